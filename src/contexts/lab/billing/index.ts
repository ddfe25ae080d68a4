import { fileURLToPath } from 'node:url'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import type { ContextModule } from '../../index.ts'
import { endingHandlers } from '../ending-service.ts'
import { CustomerUnsubscribed, EndSubscription, ListUnsubscribed, ReconcileSubscriptions, RestoreSubscription, SubscriptionEnded, UnsubscribedList } from '../messages.ts'
import { handle } from '../../../messaging/handler.ts'
import { counted } from '../handled.ts'

/** The billing service: each customer's subscription, ended when they unsubscribe, restored if the saga undoes it. */
export const labBilling: ContextModule = {
  name: 'lab-billing',
  messages: [CustomerUnsubscribed, EndSubscription, SubscriptionEnded, RestoreSubscription, ReconcileSubscriptions, ListUnsubscribed, UnsubscribedList],
  migrations: { owner: 'lab-billing', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: defineEndpoint({
    name: 'lab-billing',
    handlers: [
      ...endingHandlers('billing', 'lab_billing.subscriptions', { end: EndSubscription, ended: SubscriptionEnded, reconcile: ReconcileSubscriptions }),
      // The saga's compensation for a subscription ended after it gave up (billing was down, and took the request late).
      handle(RestoreSubscription, async ({ runId, customer }, ctx) => {
        counted(ctx, runId, 'billing')
        await ctx.tx.query('update lab_billing.subscriptions set active = true, ended_at = null, changed_at = $3 where run_id = $1 and customer = $2 and not active', [runId, customer, ctx.now])
      }),
    ],
  }),
}
