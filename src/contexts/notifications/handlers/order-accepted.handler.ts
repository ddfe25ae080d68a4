import { handleBatch } from '../../../messaging/handler.ts'
import { OrderAccepted } from '../../ordering/messages.ts'
import { deliverAll, type SenderFor } from '../email.ts'
import { ticketsEmail } from '../emails/tickets.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An accepted order gets its tickets by e-mail; orders accepted together are stored in the mailbox together. */
export const onOrderAccepted = (senderFor: SenderFor = mailboxSender) =>
  handleBatch(OrderAccepted, async (items) =>
    deliverAll(senderFor, await Promise.all(items.map(async ({ data, context }) => ({ data: await ticketsEmail(data), context })))))
