import { handle } from '../../../messaging/handler.ts'
import { EntryNotDrawn } from '../../drawing/messages.ts'
import { deliver, type SenderFor } from '../email.ts'
import { notDrawnEmail } from '../emails/not-drawn.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'

/** An entry that won no seats gets a kind "not this time", saying why. */
export const onEntryNotDrawn = (senderFor: SenderFor = mailboxSender) =>
  handle(EntryNotDrawn, (entry, context) => deliver(senderFor, context, notDrawnEmail(entry)))
