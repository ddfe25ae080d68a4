import { handle } from '../../../messaging/handler.ts'
import type { Sql } from '../../../messaging/sql.ts'
import { VipConfirmed, VipGranted, VipRevoked } from '../../accounts/messages.ts'

/**
 * The VIP mark's source: each subscription, and whether it was revoked. Granted counts at once (VIP is granted before
 * the payment, optimistically) and confirmed changes nothing more; revoked is for good, so a grant or confirmation of
 * that subscription heard after its revocation, or any event heard twice, changes nothing.
 */
const standing = (sql: Sql, accountId: string, subscriptionId: string) =>
  sql.query(`insert into reviews.vip_subscriptions (account_id, subscription_id, revoked) values ($1, $2, false) on conflict do nothing`,
    [accountId, subscriptionId])

const revoked = (sql: Sql, accountId: string, subscriptionId: string) =>
  sql.query(`insert into reviews.vip_subscriptions (account_id, subscription_id, revoked) values ($1, $2, true)
     on conflict (account_id, subscription_id) do update set revoked = true`, [accountId, subscriptionId])

export const vipHandlers = [
  handle(VipGranted, ({ accountId, subscriptionId }, ctx) => standing(ctx.tx, accountId, subscriptionId)),
  handle(VipConfirmed, ({ accountId, subscriptionId }, ctx) => standing(ctx.tx, accountId, subscriptionId)),
  handle(VipRevoked, ({ accountId, subscriptionId }, ctx) => revoked(ctx.tx, accountId, subscriptionId)),
]
