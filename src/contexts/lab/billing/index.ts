import { fileURLToPath } from 'node:url'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import type { ContextModule } from '../../index.ts'
import { endingHandlers } from '../ending-service.ts'
import { CustomerUnsubscribed, EndSubscription, ListUnsubscribed, ReconcileSubscriptions, SubscriptionEnded, UnsubscribedList } from '../messages.ts'

/** The billing service: each customer's subscription, ended when they unsubscribe. */
export const labBilling: ContextModule = {
  name: 'lab-billing',
  messages: [CustomerUnsubscribed, EndSubscription, SubscriptionEnded, ReconcileSubscriptions, ListUnsubscribed, UnsubscribedList],
  migrations: { owner: 'lab-billing', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: defineEndpoint({
    name: 'lab-billing',
    handlers: endingHandlers('billing', 'lab_billing.subscriptions', { end: EndSubscription, ended: SubscriptionEnded, reconcile: ReconcileSubscriptions }),
  }),
}
