import { handle } from '../../../messaging/handler.ts'
import { DrawingEntered } from '../../ordering/messages.ts'
import { deliver, type SenderFor } from '../email.ts'
import { drawingEntryEmail } from '../emails/drawing-entry.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An entry in a drawing is confirmed by e-mail, with the date it is drawn. */
export const onDrawingEntered = (senderFor: SenderFor = mailboxSender) =>
  handle(DrawingEntered, (entry, context) => deliver(senderFor, context, drawingEntryEmail(entry)))
