import { handle } from '../../../messaging/handler.ts'
import { OrderAccepted } from '../../ordering/messages.ts'
import { deliver, type SenderFor } from '../email.ts'
import { ticketsEmail } from '../emails/tickets.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An accepted order gets its tickets by e-mail. */
export const onOrderAccepted = (senderFor: SenderFor = mailboxSender) =>
  handle(OrderAccepted, async (order, context) => deliver(senderFor, context, await ticketsEmail(order)))
