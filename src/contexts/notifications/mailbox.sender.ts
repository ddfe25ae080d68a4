import { randomUUID } from 'node:crypto'
import type { Sql } from '../../messaging/sql.ts'
import type { EmailSender } from './email.ts'

/** The dev mailbox adapter: "sending" stores the e-mail in notifications.mailbox, where the mailbox page reads it. */
export const mailboxSender = (tx: Sql): EmailSender => {
  const sendAll: EmailSender['sendAll'] = async (batch) => {
    const ids = batch.map(() => randomUUID())
    const { rows } = await tx.query<{ id: string }>(
      `insert into notifications.mailbox (id, message_id, kind, to_address, subject, text_body, html_body, order_id, sent_at, inline_images)
       select m.id, m.message_id, m.kind, m.to_address, m.subject, m.text_body, m.html_body, m.order_id, m.sent_at, coalesce(m.inline_images, '[]')
       from json_to_recordset($1::json) as m(id uuid, message_id uuid, kind text, to_address text, subject text, text_body text, html_body text,
         order_id uuid, sent_at timestamptz, inline_images jsonb)
       on conflict (message_id) do nothing
       returning id::text`,
      [JSON.stringify(batch.map(({ email, cause }, i) => ({
        id: ids[i], message_id: cause.messageId, kind: email.kind, to_address: email.to, subject: email.subject, text_body: email.text,
        html_body: email.html, order_id: email.orderId ?? null, sent_at: cause.at.toISOString(), inline_images: email.inline ?? [],
      })))])
    const stored = new Set(rows.map((row) => row.id))
    return ids.map((id) => (stored.has(id) ? { emailId: id } : undefined))
  }
  return { sendAll, send: async (email, cause) => (await sendAll([{ email, cause }]))[0] }
}
