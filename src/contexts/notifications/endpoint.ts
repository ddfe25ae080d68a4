import { defineEndpoint } from '../../messaging/endpoint.ts'
import { onDrawingEntered } from './handlers/drawing-entered.handler.ts'
import { onEntryNotDrawn } from './handlers/entry-not-drawn.handler.ts'
import { onOrderAccepted } from './handlers/order-accepted.handler.ts'
import { onOrderCancelled } from './handlers/order-cancelled.handler.ts'
import { onSendAccountEmail } from './handlers/send-account-email.handler.ts'
import { onSendAlertEmail } from './handlers/send-alert-email.handler.ts'

/** Notifications' back end: e-mail for what happened elsewhere, delivered to the dev mailbox. */
export const notificationsEndpoint = defineEndpoint({
  name: 'notifications',
  handlers: [onOrderAccepted(), onOrderCancelled(), onDrawingEntered(), onEntryNotDrawn(), onSendAccountEmail(), onSendAlertEmail()],
})
