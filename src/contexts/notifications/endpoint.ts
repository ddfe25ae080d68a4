import { defineEndpoint } from '../../messaging/endpoint.ts'
import { onDrawingEntered } from './handlers/drawing-entered.handler.ts'
import { onOrderAccepted } from './handlers/order-accepted.handler.ts'

/** Notifications' back end: e-mail for what happened elsewhere, delivered to the dev mailbox. */
export const notificationsEndpoint = defineEndpoint({
  name: 'notifications',
  handlers: [onOrderAccepted(), onDrawingEntered()],
})
