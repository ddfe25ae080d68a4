import { handleBatch } from '../../../messaging/handler.ts'
import { DrawingEntered } from '../../ordering/messages.ts'
import { deliverAll, type SenderFor } from '../email.ts'
import { drawingEntryEmail } from '../emails/drawing-entry.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An entry in a drawing is confirmed by e-mail, with the date it is drawn; entries made together are stored together. */
export const onDrawingEntered = (senderFor: SenderFor = mailboxSender) =>
  handleBatch(DrawingEntered, (items) => deliverAll(senderFor, items.map(({ data, context }) => ({ data: drawingEntryEmail(data), context }))))
