import { handle } from '../../messaging/handler.ts'
import type { Sql } from '../../messaging/sql.ts'
import type { Realtime } from '../../web/realtime.ts'
import { VipConfirmed, VipRevoked } from './messages.ts'

/** The browser sessions where an account is logged in now. */
const sessionsOf = async (sql: Sql, accountId: string, now: Date) =>
  (await sql.query<{ browserSession: string }>(
    `select distinct browser_session as "browserSession" from accounts.logins where account_id = $1 and revoked_at is null and expires_at > $2`,
    [accountId, now])).rows.map((r) => r.browserSession)

/**
 * On each web node: the first payment's outcome pushed to every browser where the person is logged in (`vip:settled`),
 * so an open VIP page shows it at once — the second of the talk's three ways (the page also asks, and an e-mail tells).
 * Each node pushes to the rooms; the socket adapter reaches the sockets another node holds.
 */
export const pushVipSettled = (realtime: Realtime) => [
  handle(VipConfirmed, async ({ accountId }, ctx) => {
    for (const session of await sessionsOf(ctx.tx, accountId, ctx.now)) realtime.toSession(session, 'vip:settled', { status: 'active' })
  }),
  handle(VipRevoked, async ({ accountId }, ctx) => {
    for (const session of await sessionsOf(ctx.tx, accountId, ctx.now)) realtime.toSession(session, 'vip:settled', { status: 'revoked' })
  }),
]
