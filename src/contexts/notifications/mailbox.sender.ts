import { randomUUID } from 'node:crypto'
import type { Sql } from '../../messaging/sql.ts'
import type { EmailSender } from './email.ts'

/** The dev mailbox adapter: "sending" stores the e-mail in notifications.mailbox, where the mailbox page reads it. */
export const mailboxSender = (tx: Sql): EmailSender => ({
  async send(email, cause) {
    const { rows } = await tx.query<{ id: string }>(
      `insert into notifications.mailbox (id, message_id, kind, to_address, subject, text_body, html_body, order_id, sent_at, inline_images)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (message_id) do nothing
       returning id`,
      [randomUUID(), cause.messageId, email.kind, email.to, email.subject, email.text, email.html, email.orderId ?? null, cause.at.toISOString(), JSON.stringify(email.inline ?? [])],
    )
    return rows[0] && { emailId: rows[0].id }
  },
})
