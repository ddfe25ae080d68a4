import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { SubscriptionCharged, SubscriptionChargeFailed } from '../billing/messages.ts'
import { ProjectAccount } from './messages.ts'
import { projectAccount } from './profile.ts'
import { settleFirstPayment } from './vip-service.ts'

/** Accounts' back end: the shared view of each account, kept up with its stream; VIP settled by its first payment. */
export const accountsEndpoint = defineEndpoint({
  name: 'accounts',
  handlers: [
    handle(ProjectAccount, ({ accountId, version }, ctx) => projectAccount(ctx.tx, accountId, version, ctx.now)),
    handle(SubscriptionCharged, ({ accountId, subscriptionId }, ctx) => settleFirstPayment(ctx, accountId, subscriptionId, true)),
    handle(SubscriptionChargeFailed, ({ accountId, subscriptionId }, ctx) => settleFirstPayment(ctx, accountId, subscriptionId, false)),
  ],
})
