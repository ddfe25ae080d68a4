import { handle, type HandlerContext } from '../../messaging/handler.ts'
import type { Sql } from '../../messaging/sql.ts'
import type { Realtime } from '../../web/realtime.ts'
import { VipConfirmed, VipRevoked } from './messages.ts'

/** What a browser is pushed when the first payment has an outcome: only the membership's new status. */
export type VipSettled = { readonly status: 'active' | 'revoked' }

/** The browser sessions where the account is logged in now (its open logins). */
const sessionsOf = async (sql: Sql, accountId: string, now: Date) =>
  (await sql.query<{ browserSession: string }>(
    `select distinct browser_session as "browserSession" from accounts.logins where account_id = $1 and revoked_at is null and expires_at > $2`,
    [accountId, now])).rows.map((r) => r.browserSession)

const push = (realtime: Realtime, status: VipSettled['status']) => async ({ accountId }: { readonly accountId: string }, ctx: HandlerContext) => {
  const settled: VipSettled = { status }
  for (const session of await sessionsOf(ctx.tx, accountId, ctx.now)) realtime.toSessionHere(session, 'vip:settled', settled)
}

/**
 * On each web node: the first payment's outcome pushed to every browser where the person is logged in (`vip:settled`),
 * so that an open VIP page shows it at once: the server pushes, beside the page asking and the e-mail telling.
 * Every web node hears the event, so each pushes to the sockets it holds itself.
 */
export const pushVipSettled = (realtime: Realtime) => [
  handle(VipConfirmed, push(realtime, 'active')),
  handle(VipRevoked, push(realtime, 'revoked')),
]
