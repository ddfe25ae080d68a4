import { defineEndpoint } from '../../messaging/endpoint.ts'
import { onOrderAcceptedAtEdge } from './handlers/order-accepted-at-edge.handler.ts'
import { onOrderAccepted } from './handlers/order-accepted.handler.ts'
import { onOrderCancelled } from './handlers/order-cancelled.handler.ts'

/** Billing's back end: takes payments for accepted orders and refunds cancelled ones. */
export const billingEndpoint = defineEndpoint({
  name: 'billing',
  handlers: [onOrderAcceptedAtEdge(), onOrderAccepted(), onOrderCancelled()],
})
