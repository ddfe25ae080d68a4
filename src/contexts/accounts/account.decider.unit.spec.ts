import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type AccountCommand, type AccountEvent, type AccountRefusal, decide, evolve, initialState } from './account.decider.ts'

/** given(events).when(command).then(events) — or .refused(why) */
const given = (events: AccountEvent[]) => ({
  when: (command: AccountCommand) => {
    const decision = decide(command, events.reduce(evolve, initialState()))
    return {
      then: (expected: AccountEvent[]) => assert.deepEqual(decision, { events: expected }),
      refused: (why: AccountRefusal) => assert.deepEqual(decision, { refused: why }),
    }
  },
})

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 12, minute)).toISOString()
const register: AccountCommand = { type: 'Register', data: { email: 'ada@example.com', passwordHash: 'h1', tokenHash: 't1', expiresAt: at(30) } }
const registered: AccountEvent = { type: 'AccountRegistered', data: { email: 'ada@example.com', passwordHash: 'h1' } }
const issued = (tokenHash: string, purpose: 'verify' | 'reset' = 'verify', expiresAt = at(30)): AccountEvent =>
  ({ type: 'LinkIssued', data: { purpose, tokenHash, expiresAt } })
const verify = (tokenHash: string, now = at(10)): AccountCommand => ({ type: 'VerifyEmail', data: { tokenHash, now } })
const verified = (tokenHash: string): AccountEvent => ({ type: 'EmailVerified', data: { tokenHash } })
const reset = (tokenHash: string, now = at(10)): AccountCommand => ({ type: 'ResetPassword', data: { tokenHash, passwordHash: 'h2', now } })
const wasReset = (tokenHash: string): AccountEvent => ({ type: 'PasswordReset', data: { tokenHash, passwordHash: 'h2' } })

describe('an account', () => {
  test('is registered with a verification link', () =>
    given([]).when(register).then([registered, issued('t1')]))

  test('is registered once', () =>
    given([registered, issued('t1')]).when(register).refused('already-registered'))

  test('its address is verified by its link', () =>
    given([registered, issued('t1')]).when(verify('t1')).then([verified('t1')]))

  test('a verification link works once: followed again, it says the address is confirmed already', () =>
    given([registered, issued('t1'), verified('t1')]).when(verify('t1')).refused('already-verified'))

  test('a verification link that expired is refused', () =>
    given([registered, issued('t1')]).when(verify('t1', at(30))).refused('link-expired'))

  test('a link that is not this account\'s is refused', () =>
    given([registered, issued('t1')]).when(verify('nope')).refused('link-unknown'))

  test('a new link supersedes the one before', () =>
    given([registered, issued('t1'), issued('t2')]).when(verify('t1')).refused('link-superseded'))

  test('the new link verifies', () =>
    given([registered, issued('t1'), issued('t2')]).when(verify('t2')).then([verified('t2')]))

  test('no new verification link once verified', () =>
    given([registered, issued('t1'), verified('t1')]).when({ type: 'IssueLink', data: { purpose: 'verify', tokenHash: 't2', expiresAt: at(40) } }).refused('already-verified'))

  test('no link without an account', () =>
    given([]).when({ type: 'IssueLink', data: { purpose: 'reset', tokenHash: 'r1', expiresAt: at(40) } }).refused('no-account'))

  test('a reset link sets a new password', () =>
    given([registered, issued('t1'), verified('t1'), issued('r1', 'reset')]).when(reset('r1')).then([wasReset('r1')]))

  test('a reset link works once', () =>
    given([registered, issued('r1', 'reset'), wasReset('r1')]).when(reset('r1')).refused('link-used'))

  test('a verification link cannot reset a password, nor a reset link verify', () => {
    given([registered, issued('t1')]).when(reset('t1')).refused('link-unknown')
    given([registered, issued('r1', 'reset')]).when(verify('r1')).refused('link-unknown')
  })

  test('a reset verifies the address: the verification link then says so', () =>
    given([registered, issued('t1'), issued('r1', 'reset'), wasReset('r1')]).when(verify('t1')).refused('already-verified'))

  test('a profile gets the name its person chose', () =>
    given([registered]).when({ type: 'ChangeProfile', data: { displayName: 'Ada L.' } }).then([{ type: 'ProfileChanged', data: { displayName: 'Ada L.' } }]))

  test('saving the same name again changes nothing', () =>
    given([registered, { type: 'ProfileChanged', data: { displayName: 'Ada L.' } }]).when({ type: 'ChangeProfile', data: { displayName: 'Ada L.' } }).then([]))

  test('no profile without an account', () =>
    given([]).when({ type: 'ChangeProfile', data: { displayName: 'Ada' } }).refused('no-account'))

  test('an expired reset link is refused', () =>
    given([registered, issued('r1', 'reset', at(5))]).when(reset('r1', at(6))).refused('link-expired'))

  test('an admin makes a confirmed account an admin', () =>
    given([registered, issued('t1'), verified('t1')]).when({ type: 'SetAdmin', data: { admin: true, by: 'admin' } })
      .then([{ type: 'AdminGranted', data: { by: 'admin' } }]))

  test('an address not confirmed is not made an admin', () =>
    given([registered, issued('t1')]).when({ type: 'SetAdmin', data: { admin: true, by: 'admin' } }).refused('not-verified'))

  test('making an admin an admin again changes nothing; the role can be taken back', () => {
    const admin: AccountEvent[] = [registered, issued('t1'), verified('t1'), { type: 'AdminGranted', data: { by: 'admin' } }]
    given(admin).when({ type: 'SetAdmin', data: { admin: true, by: 'admin' } }).then([])
    given(admin).when({ type: 'SetAdmin', data: { admin: false, by: 'b2c4' } }).then([{ type: 'AdminRevoked', data: { by: 'b2c4' } }])
    given([registered]).when({ type: 'SetAdmin', data: { admin: false, by: 'admin' } }).then([])
  })

  test('no role without an account', () =>
    given([]).when({ type: 'SetAdmin', data: { admin: true, by: 'admin' } }).refused('no-account'))
})
