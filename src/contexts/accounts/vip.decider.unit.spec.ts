import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decideVip, evolveVip, initialVipState, type VipCommand, type VipEvent, type VipRefusal } from './vip.decider.ts'

/** given(events).when(command).then(events) — or .refused(why) */
const given = (events: VipEvent[]) => ({
  when: (command: VipCommand) => {
    const decision = decideVip(command, events.reduce(evolveVip, initialVipState()))
    return {
      then: (expected: VipEvent[]) => assert.deepEqual(decision, { events: expected }),
      refused: (why: VipRefusal) => assert.deepEqual(decision, { refused: why }),
    }
  },
})

const now = new Date(Date.UTC(2026, 11, 3, 20)).toISOString()
const pageUrl = 'http://127.0.0.1:3000/account/vip'
const subscribe = (subscriptionId: string): VipCommand => ({ type: 'Subscribe', data: { subscriptionId, priceCents: 999, now, pageUrl } })
const granted = (subscriptionId: string): VipEvent => ({ type: 'VipGranted', data: { subscriptionId, priceCents: 999, at: now, pageUrl } })
const settle = (subscriptionId: string, paid: boolean): VipCommand => ({ type: 'SettleFirstPayment', data: { subscriptionId, paid } })
const confirmed = (subscriptionId: string): VipEvent => ({ type: 'VipConfirmed', data: { subscriptionId } })
const revoked = (subscriptionId: string): VipEvent => ({ type: 'VipRevoked', data: { subscriptionId, reason: 'payment-failed' } })

describe('a VIP membership', () => {
  test('is granted at once, before the payment', () => given([]).when(subscribe('s1')).then([granted('s1')]))

  test('is confirmed when the first payment goes through', () => given([granted('s1')]).when(settle('s1', true)).then([confirmed('s1')]))

  test('is revoked when the first payment fails', () => given([granted('s1')]).when(settle('s1', false)).then([revoked('s1')]))

  test('hears a payment outcome once: told again, nothing changes', () => {
    given([granted('s1'), confirmed('s1')]).when(settle('s1', false)).then([])
    given([granted('s1'), revoked('s1')]).when(settle('s1', true)).then([])
  })

  test('ignores the outcome of another subscription', () => given([granted('s2')]).when(settle('s1', false)).then([]))

  test('cannot be taken twice while granted or paid', () => {
    given([granted('s1')]).when(subscribe('s2')).refused('already-vip')
    given([granted('s1'), confirmed('s1')]).when(subscribe('s2')).refused('already-vip')
  })

  test('can be taken again after a failed payment', () => given([granted('s1'), revoked('s1')]).when(subscribe('s2')).then([granted('s2')]))
})
