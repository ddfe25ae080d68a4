import { randomUUID } from 'node:crypto'
import type { MessageSession, SessionOutbox } from '../../messaging/session.ts'
import type { Database, Sql } from '../../messaging/sql.ts'
import { SendAccountEmail } from '../notifications/messages.ts'
import { type AccountCommand, type AccountRefusal, decide, type LinkPurpose } from './account.decider.ts'
import { accountIdOfEmail, accountIdOfLink, appendToAccount, claimEmail, loadAccount, recordLink } from './account-stream.ts'
import { linkLifetimeMs, newToken, tokenHash } from './links.ts'
import { clearLoginFailures, loginBlockedFor, recordLoginFailure, throttleKeys } from './login-throttle.ts'
import { revokeEveryLogin, startLogin } from './logins.ts'
import { AccountRegistered, ProjectAccount, SignedIn } from './messages.ts'
import { projectionDue } from '../../messaging/switches.ts'
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts'

export interface AccountDeps {
  readonly db: Database
  readonly session: MessageSession
  /** The site's address as people reach it: the base of the links in e-mails. */
  readonly publicUrl: () => string
  /** Signs login cookies. */
  readonly loginKey: string
  readonly clock: () => Date
}

/** What a command came to: done, or refused for a reason the person is told. */
export type Outcome<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refused: AccountRefusal | LoginRefusal }
export type LoginRefusal = 'wrong-credentials' | 'not-verified' | 'throttled'

const done = <T>(value: T): Outcome<T> => ({ ok: true, value })
const refused = (why: AccountRefusal | LoginRefusal): Outcome<never> => ({ ok: false, refused: why })

const linkOf = (deps: AccountDeps, purpose: LinkPurpose, token: string) =>
  `${deps.publicUrl()}/account/${purpose === 'verify' ? 'verify' : 'reset'}/${token}`

/**
 * Decides a command on an account and appends what it decided, in the caller's transaction, with the request to
 * project it into the shared view (at once, or after ops' projection delay).
 */
const run = async (deps: Pick<AccountDeps, 'db'>, tx: Sql, out: SessionOutbox, accountId: string, command: AccountCommand, now: Date) => {
  const account = await loadAccount(tx, accountId)
  const decision = decide(command, account.state)
  if ('refused' in decision) return decision
  await appendToAccount(tx, account, decision.events, now)
  if (decision.events.length > 0) {
    const deliverAt = await projectionDue(tx, now, deps.db)
    out.send(ProjectAccount, { accountId, version: account.version + decision.events.length }, { ...(deliverAt && { deliverAt }) })
  }
  return { account, events: decision.events }
}

const sendLink = (out: SessionOutbox, deps: AccountDeps, accountId: string, to: string, purpose: LinkPurpose, token: string) =>
  out.send(SendAccountEmail, { kind: purpose === 'verify' ? 'verification' : 'password-reset', accountId, to, link: linkOf(deps, purpose, token) })

/** A new account, its address not yet confirmed: the confirmation link goes out by e-mail in the same transaction. */
export const register = async (deps: AccountDeps, input: { email: string; password: string }): Promise<Outcome<{ accountId: string }>> => {
  const passwordHash = await hashPassword(input.password)
  const now = deps.clock()
  const { token, tokenHash: hash } = newToken()
  const accountId = randomUUID()
  return deps.session.transaction(async (tx, out) => {
    if (!(await claimEmail(tx, input.email, accountId))) return refused('already-registered')
    const expiresAt = new Date(now.getTime() + linkLifetimeMs.verify).toISOString()
    const result = await run(deps, tx, out, accountId, { type: 'Register', data: { email: input.email, passwordHash, tokenHash: hash, expiresAt } }, now)
    if ('refused' in result) return refused(result.refused)
    await recordLink(tx, hash, accountId)
    out.publish(AccountRegistered, { accountId, email: input.email })
    sendLink(out, deps, accountId, input.email, 'verify', token)
    return done({ accountId })
  })
}

/**
 * A new link by e-mail (confirm the address again, or choose a new password). Whether the address has an account is
 * never said: the answer is the same either way, so the form cannot be used to find out who has one.
 */
export const sendLinkAgain = async (deps: AccountDeps, email: string, purpose: LinkPurpose): Promise<void> => {
  const now = deps.clock()
  await deps.session.transaction(async (tx, out) => {
    const accountId = await accountIdOfEmail(tx, email)
    if (!accountId) return
    const { token, tokenHash: hash } = newToken()
    const expiresAt = new Date(now.getTime() + linkLifetimeMs[purpose]).toISOString()
    const result = await run(deps, tx, out, accountId, { type: 'IssueLink', data: { purpose, tokenHash: hash, expiresAt } }, now)
    if ('refused' in result || result.account.state.status !== 'registered') return
    await recordLink(tx, hash, accountId)
    sendLink(out, deps, accountId, result.account.state.email, purpose, token)
  })
}

/** Follows a confirmation link: the address is confirmed, once. */
export const verifyEmail = async (deps: AccountDeps, token: string): Promise<Outcome> => {
  const now = deps.clock()
  return deps.session.transaction(async (tx, out) => {
    const hash = tokenHash(token)
    const accountId = await accountIdOfLink(tx, hash)
    if (!accountId) return refused('link-unknown')
    const result = await run(deps, tx, out, accountId, { type: 'VerifyEmail', data: { tokenHash: hash, now: now.toISOString() } }, now)
    return 'refused' in result ? refused(result.refused) : done(undefined)
  })
}

/** Whether a reset link can still be followed, for the form that asks for the new password. */
export const resetLinkProblem = async (deps: AccountDeps, token: string): Promise<AccountRefusal | undefined> => {
  const hash = tokenHash(token)
  const accountId = await accountIdOfLink(deps.db, hash)
  if (!accountId) return 'link-unknown'
  const decision = decide({ type: 'ResetPassword', data: { tokenHash: hash, passwordHash: '', now: deps.clock().toISOString() } }, (await loadAccount(deps.db, accountId)).state)
  return 'refused' in decision ? decision.refused : undefined
}

/** Follows a reset link with a new password; every login of the account ends, wherever it was. */
export const resetPassword = async (deps: AccountDeps, token: string, password: string): Promise<Outcome> => {
  const passwordHash = await hashPassword(password)
  const now = deps.clock()
  return deps.session.transaction(async (tx, out) => {
    const hash = tokenHash(token)
    const accountId = await accountIdOfLink(tx, hash)
    if (!accountId) return refused('link-unknown')
    const result = await run(deps, tx, out, accountId, { type: 'ResetPassword', data: { tokenHash: hash, passwordHash, now: now.toISOString() } }, now)
    if ('refused' in result) return refused(result.refused)
    await revokeEveryLogin(tx, accountId, now)
    return done(undefined)
  })
}

/**
 * Logs in: throttled per account and per client address, the password checked (against a decoy when there is no such
 * account, so a wrong address takes as long as a wrong password), the address confirmed. The browser session's
 * earlier orders become the account's (SignedIn). Returns the login cookie.
 */
export const logIn = async (
  deps: AccountDeps,
  input: { email: string; password: string; address: string | undefined; browserSession: string },
): Promise<Outcome<{ setCookie: string; accountId: string }>> => {
  const now = deps.clock()
  const accountId = await accountIdOfEmail(deps.db, input.email)
  const keys = throttleKeys(input.email.trim().toLowerCase(), input.address)
  if (await loginBlockedFor(deps.db, keys, now)) return refused('throttled')
  const account = accountId ? await loadAccount(deps.db, accountId) : undefined
  const state = account?.state
  const hash = state?.status === 'registered' ? state.passwordHash : await decoyHash
  const matches = await verifyPassword(input.password, hash)
  if (!accountId || !matches || state?.status !== 'registered') {
    await recordLoginFailure(deps.db, keys, now)
    return refused('wrong-credentials')
  }
  if (!state.verified) return refused('not-verified')
  return deps.session.transaction(async (tx, out) => {
    await clearLoginFailures(tx, keys)
    const setCookie = await startLogin(tx, deps.loginKey, { accountId, browserSession: input.browserSession, now })
    out.publish(SignedIn, { accountId, browserSession: input.browserSession })
    return done({ setCookie, accountId })
  }, { originClient: input.browserSession })
}

/** The name shown with what the person writes; the person's own pages show it at once, the rest once projected. */
export const changeProfile = async (deps: AccountDeps, accountId: string, displayName: string): Promise<Outcome> => {
  const now = deps.clock()
  return deps.session.transaction(async (tx, out) => {
    const result = await run(deps, tx, out, accountId, { type: 'ChangeProfile', data: { displayName } }, now)
    return 'refused' in result ? refused(result.refused) : done(undefined)
  })
}

/** Minutes until a throttled login may be tried again, for the page that says so. */
export const minutesUntilLogin = async (deps: AccountDeps, email: string, address: string | undefined) =>
  (await loginBlockedFor(deps.db, throttleKeys(email.trim().toLowerCase(), address), deps.clock())) ?? 1

/** Makes an account an admin, or takes the role back; `by` is the admin who did it (an account id, or `admin`). */
export const setAdmin = async (deps: Pick<AccountDeps, 'db' | 'session' | 'clock'>, accountId: string, admin: boolean, by: string): Promise<Outcome> => {
  const now = deps.clock()
  return deps.session.transaction(async (tx, out) => {
    const result = await run(deps, tx, out, accountId, { type: 'SetAdmin', data: { admin, by } }, now)
    return 'refused' in result ? refused(result.refused) : done(undefined)
  })
}
