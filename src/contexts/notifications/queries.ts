import type { Sql } from '../../messaging/sql.ts'
import type { InlineImage } from './emails/inline-image.ts'
import type { EmailKind } from './messages.ts'

export interface MailboxItem {
  readonly id: string
  readonly to: string
  readonly subject: string
  readonly kind: EmailKind
  readonly orderId: string | null
  readonly sentAt: string
}

export interface MailboxEmail extends MailboxItem {
  /** The message that caused the e-mail. */
  readonly messageId: string
  readonly text: string
  /** As sent: inline pictures named by `cid:`. */
  readonly html: string
  readonly inline: readonly InlineImage[]
}

interface Row {
  id: string
  to_address: string
  subject: string
  kind: EmailKind
  order_id: string | null
  sent_at: Date | string
  message_id: string
  text_body: string
  html_body: string
  inline_images: InlineImage[] | string
}

const item = (row: Row): MailboxItem => ({
  id: row.id, to: row.to_address, subject: row.subject, kind: row.kind, orderId: row.order_id, sentAt: new Date(row.sent_at).toISOString(),
})

/** The newest e-mails first, to one address (any letter case) when `to` is given. */
export const listMailbox = async (sql: Sql, filter: { readonly to?: string; readonly limit: number }): Promise<{ items: MailboxItem[]; total: number }> => {
  const where = 'where $1::text is null or lower(to_address) = lower($1::text)'
  const to = filter.to ?? null
  const { rows } = await sql.query<Row>(
    `select id, to_address, subject, kind, order_id, sent_at from notifications.mailbox ${where} order by sent_at desc, id desc limit $2`,
    [to, filter.limit])
  const [count] = (await sql.query<{ total: number }>(`select count(*)::int as total from notifications.mailbox ${where}`, [to])).rows
  return { items: rows.map(item), total: count?.total ?? 0 }
}

export const findEmail = async (sql: Sql, id: string): Promise<MailboxEmail | undefined> => {
  const [row] = (await sql.query<Row>('select * from notifications.mailbox where id = $1', [id])).rows
  return row && {
    ...item(row), messageId: row.message_id, text: row.text_body, html: row.html_body,
    inline: typeof row.inline_images === 'string' ? JSON.parse(row.inline_images) as InlineImage[] : row.inline_images,
  }
}
