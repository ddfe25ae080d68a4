import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { OrderAccepted, OrderAcceptedAtEdge, OrderCancelled } from '../ordering/messages.ts'
import { billingApi } from './api.ts'
import { billingBooks, paymentsBook } from './books.ts'
import { billingEndpoint } from './endpoint.ts'
import { billingMessages } from './messages.ts'

/** Payments: taken for accepted orders, refunded for cancelled ones, in a ledger of billing's own. */
export const billing: ContextModule = {
  name: 'billing',
  // The events it handles are ordering's, listed so that its endpoint starts in a process without ordering.
  messages: [...billingMessages, OrderAcceptedAtEdge, OrderAccepted, OrderCancelled],
  migrations: { owner: 'billing', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: billingEndpoint,
  web: billingApi,
  books: { perShowing: billingBooks, ofShowing: paymentsBook },
}
