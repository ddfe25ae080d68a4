import { handle } from '../../../messaging/handler.ts'
import { deliver, type SenderFor } from '../email.ts'
import { accountEmail } from '../emails/account.email.ts'
import { mailboxSender } from '../mailbox.sender.ts'
import { SendAccountEmail } from '../messages.ts'

/** An account's link (verify the address, reset the password) goes out by e-mail, once per request. */
export const onSendAccountEmail = (senderFor: SenderFor = mailboxSender) =>
  handle(SendAccountEmail, (request, context) => deliver(senderFor, context, accountEmail(request)))
