import { randomUUID } from 'node:crypto'
import { parse as parseCookies, serialize } from 'cookie'
import { sign, unsign } from 'cookie-signature'
import type { Sql } from '../../messaging/sql.ts'
import type { Viewer } from '../../web/identity.ts'

/**
 * A login: a row here, named by a random id in an http-only, SameSite cookie signed with the site's key for logins.
 * Logging out revokes the row (the cookie alone proves nothing afterwards); a password reset revokes every login.
 */
export const loginCookie = 'popcorn_login'
const lifetimeMs = 14 * 24 * 3_600_000
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const loginIdOf = (cookieHeader: string | undefined, key: string): string | undefined => {
  const signed = parseCookies(cookieHeader ?? '')[loginCookie]
  if (!signed || signed.length > 200) return undefined
  const id = unsign(signed, key)
  return id !== false && idPattern.test(id) ? id : undefined
}

export const startLogin = async (sql: Sql, key: string, login: { accountId: string; browserSession: string; now: Date }) => {
  const id = randomUUID()
  const expiresAt = new Date(login.now.getTime() + lifetimeMs)
  await sql.query('insert into accounts.logins (id, account_id, browser_session, created_at, expires_at) values ($1, $2, $3, $4, $5)',
    [id, login.accountId, login.browserSession, login.now, expiresAt])
  return serialize(loginCookie, sign(id, key), { httpOnly: true, sameSite: 'lax', path: '/', expires: expiresAt })
}

export const endedLoginCookie = () => serialize(loginCookie, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0 })

/**
 * Who a login is, while it is neither revoked nor expired; their name as they last chose it and whether they are an
 * admin, from their own stream (not the lagging shared view: a role taken back counts at once).
 */
export const viewerOfLogin = async (sql: Sql, loginId: string, now: Date): Promise<Viewer | undefined> =>
  (await sql.query<Viewer>(
    `select l.account_id as "accountId", e.email_key as email, l.id as "loginId",
       coalesce((select data->>'displayName' from accounts.events v where v.account_id = l.account_id and v.type = 'ProfileChanged'
                 order by v.version desc limit 1), '') as "displayName",
       coalesce((select v.type = 'AdminGranted' from accounts.events v where v.account_id = l.account_id and v.type in ('AdminGranted', 'AdminRevoked')
                 order by v.version desc limit 1), false) as admin
     from accounts.logins l join accounts.emails e on e.account_id = l.account_id
     where l.id = $1 and l.revoked_at is null and l.expires_at > $2`, [loginId, now])).rows[0]

export const revokeLogin = (sql: Sql, loginId: string, now: Date) =>
  sql.query('update accounts.logins set revoked_at = $2 where id = $1 and revoked_at is null', [loginId, now])

export const revokeEveryLogin = (sql: Sql, accountId: string, now: Date) =>
  sql.query('update accounts.logins set revoked_at = $2 where account_id = $1 and revoked_at is null', [accountId, now])

/** The account's logins still open: where it is logged in, for the account page. */
export const openLogins = async (sql: Sql, accountId: string, now: Date) =>
  (await sql.query<{ loginId: string; createdAt: Date }>(
    `select id as "loginId", created_at as "createdAt" from accounts.logins
     where account_id = $1 and revoked_at is null and expires_at > $2 order by created_at desc`, [accountId, now])).rows
