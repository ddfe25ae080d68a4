import { handle } from '../../../messaging/handler.ts'
import { OrderCancelled } from '../../ordering/messages.ts'
import { deliver, type SenderFor } from '../email.ts'
import { apologyEmail } from '../emails/apology.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An order that was told "accepted" and then could not be seated gets an apology, the refund and another showing. */
export const onOrderCancelled = (senderFor: SenderFor = mailboxSender) =>
  handle(OrderCancelled, (order, context) => deliver(senderFor, context, apologyEmail(order)))
