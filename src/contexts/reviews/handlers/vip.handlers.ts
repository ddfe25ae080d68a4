import { handle } from '../../../messaging/handler.ts'
import type { Sql } from '../../../messaging/sql.ts'
import { VipConfirmed, VipGranted, VipRevoked } from '../../accounts/messages.ts'

/**
 * The VIP mark's source: a person's latest subscription and whether it stands. Granted and confirmed make them VIP;
 * revoked ends it for good, so a grant or confirmation of that subscription that arrives after its revocation changes
 * nothing. A newer subscription (another id) starts afresh.
 */
const note = (sql: Sql, accountId: string, subscriptionId: string, standing: boolean) =>
  sql.query(
    `insert into reviews.vip_members (account_id, subscription_id, vip, revoked) values ($1, $2, $3, $4)
     on conflict (account_id) do update set subscription_id = excluded.subscription_id, vip = excluded.vip, revoked = excluded.revoked
     where reviews.vip_members.subscription_id <> excluded.subscription_id or not reviews.vip_members.revoked`,
    [accountId, subscriptionId, standing, !standing])

export const vipHandlers = [
  handle(VipGranted, ({ accountId, subscriptionId }, ctx) => note(ctx.tx, accountId, subscriptionId, true)),
  handle(VipConfirmed, ({ accountId, subscriptionId }, ctx) => note(ctx.tx, accountId, subscriptionId, true)),
  handle(VipRevoked, ({ accountId, subscriptionId }, ctx) => note(ctx.tx, accountId, subscriptionId, false)),
]
