import type { BatchItem, HandlerContext } from '../../messaging/handler.ts'
import type { Sql } from '../../messaging/sql.ts'
import type { InlineImage } from './emails/inline-image.ts'
import { EmailSent, type EmailKind } from './messages.ts'

/** One composed e-mail, ready to go. */
export interface Email {
  readonly kind: EmailKind
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string
  /** The pictures the HTML shows by `cid:` (a ticket's QR code), drawn where the e-mail is shown or sent. */
  readonly inline?: readonly InlineImage[]
  readonly orderId?: string
}

/** The message an e-mail answers, and when: one cause sends at most one e-mail. */
export interface Cause {
  readonly messageId: string
  readonly at: Date
}

/**
 * The port to whatever delivers e-mail. It works inside the handler's transaction, so the e-mail and the
 * handler's inbox record commit together: the dev mailbox stores it there; an SMTP adapter would store it as
 * a row to relay after commit, as the messaging outbox does, and never talk to a server mid-transaction.
 */
export interface EmailSender {
  /** The stored e-mail's id, or undefined when this cause already sent its e-mail. */
  send(email: Email, cause: Cause): Promise<{ readonly emailId: string } | undefined>
  /** Many at once, as `send` sends each: per e-mail, its id or undefined. */
  sendAll(batch: readonly { readonly email: Email; readonly cause: Cause }[]): Promise<readonly ({ readonly emailId: string } | undefined)[]>
}

export type SenderFor = (tx: Sql) => EmailSender

/** Sends the e-mails of a batch of handled messages (one each) together, and tells the rest of the system of each. */
export const deliverAll = async (senderFor: SenderFor, items: readonly BatchItem<Email>[]): Promise<void> => {
  if (items.length === 0) return
  const sent = await senderFor(items[0]!.context.tx).sendAll(items.map(({ data, context }) => ({ email: data, cause: { messageId: context.headers.messageId, at: context.now } })))
  for (const [i, { data: email, context }] of items.entries()) {
    const emailId = sent[i]?.emailId
    if (emailId) context.publish(EmailSent, { emailId, kind: email.kind, to: email.to, ...(email.orderId && { orderId: email.orderId }) })
  }
}

/** Sends an e-mail from a handler and tells the rest of the system, once per causing message. */
export const deliver = (senderFor: SenderFor, context: HandlerContext, email: Email): Promise<void> => deliverAll(senderFor, [{ data: email, context }])
