import { handle } from '../../../messaging/handler.ts'
import { deliver, type SenderFor } from '../email.ts'
import { alertEmail } from '../emails/alert.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'
import { SendAlertEmail } from '../messages.ts'

/** Ops' alert, raised or cleared, goes out by e-mail, once per change. */
export const onSendAlertEmail = (senderFor: SenderFor = mailboxSender) =>
  handle(SendAlertEmail, (alert, context) => deliver(senderFor, context, alertEmail(alert)))
