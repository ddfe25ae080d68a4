import { defineEndpoint } from '../../messaging/endpoint.ts'
import { onOrderAcceptedAtEdge } from './handlers/order-accepted-at-edge.handler.ts'
import { onOrderAccepted } from './handlers/order-accepted.handler.ts'
import { onOrderCancelled } from './handlers/order-cancelled.handler.ts'
import { onChargeSubscription, onSettleSubscriptionCharge } from './handlers/charge-subscription.handler.ts'

/** Billing's back end: takes payments for accepted orders and subscriptions, and refunds cancelled orders. */
export const billingEndpoint = defineEndpoint({
  name: 'billing',
  handlers: [onOrderAcceptedAtEdge(), onOrderAccepted(), onOrderCancelled(), onChargeSubscription(), onSettleSubscriptionCharge()],
})
