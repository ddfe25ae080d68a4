import { randomUUID } from 'node:crypto'
import type { RawMessage } from './envelope.ts'
import { MessagingError } from './errors.ts'
import type { Database, Sql } from './sql.ts'
import type { Transport } from './transport.ts'

/** The error queue: what failed, why, and after how many attempts; a person retries or discards it. */
export interface Failure {
  readonly code: string
  readonly reason: string
  readonly stack?: string
  readonly attempts: number
}

export const failureOf = (error: unknown, attempts: number): Failure =>
  error instanceof Error
    ? { code: error instanceof MessagingError ? error.code : 'HANDLER_FAILED', reason: error.message, attempts, ...(error.stack && { stack: error.stack }) }
    : { code: 'HANDLER_FAILED', reason: String(error), attempts }

const text = (value: unknown) => (typeof value === 'string' ? value : null)

export const recordFailure = async (tx: Sql, queue: string, raw: RawMessage, failure: Failure): Promise<string> => {
  const id = randomUUID()
  await tx.query(
    `insert into messaging.failed_messages (id, message_id, message_type, queue, headers, body, code, reason, stack, attempts)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, text(raw.headers.messageId), text(raw.headers.type), queue, JSON.stringify(raw.headers ?? {}), raw.body, failure.code, failure.reason, failure.stack ?? null, failure.attempts],
  )
  return id
}

export type FailedStatus = 'unresolved' | 'retried' | 'discarded'

export interface FailedMessage {
  readonly id: string
  readonly messageId: string | null
  readonly messageType: string | null
  readonly queue: string
  readonly headers: Record<string, unknown>
  readonly body: string
  readonly code: string
  readonly reason: string
  readonly stack: string | null
  readonly attempts: number
  readonly failedAt: string
  readonly status: FailedStatus
  readonly resolvedAt: string | null
}

const columns = `id, message_id as "messageId", message_type as "messageType", queue, headers, body, code, reason, stack,
  attempts, failed_at as "failedAt", status, resolved_at as "resolvedAt"`

export type Resolution = 'done' | 'not-found' | 'already-resolved'

/** The error queue's operations, over whichever database and transport the process runs. */
export const errorQueue = (db: Database, transport: Transport) => ({
  list: async (options: { status?: FailedStatus; limit: number; offset: number }): Promise<{ total: number; items: FailedMessage[] }> => {
    const status = options.status ?? 'unresolved'
    const [items, count] = await Promise.all([
      db.query<FailedMessage>(`select ${columns} from messaging.failed_messages where status = $1 order by failed_at desc, id limit $2 offset $3`, [status, options.limit, options.offset]),
      db.query<{ n: number }>('select count(*)::int as n from messaging.failed_messages where status = $1', [status]),
    ])
    return { total: count.rows[0]?.n ?? 0, items: items.rows }
  },

  get: async (id: string): Promise<FailedMessage | undefined> =>
    (await db.query<FailedMessage>(`select ${columns} from messaging.failed_messages where id = $1`, [id])).rows[0],

  /** Sends the message back to the queue it failed in, with its retry count reset, and marks it retried. */
  retry: async (id: string): Promise<Resolution> => {
    let outcome: Resolution = 'done'
    const flush = await db.transaction(async (tx) => {
      const row = (await tx.query<FailedMessage>(`select ${columns} from messaging.failed_messages where id = $1 for update`, [id])).rows[0]
      outcome = !row ? 'not-found' : row.status !== 'unresolved' ? 'already-resolved' : 'done'
      if (!row || outcome !== 'done') return async () => {}
      await tx.query(`update messaging.failed_messages set status = 'retried', resolved_at = now() where id = $1`, [id])
      const { delayedRetries: _, ...headers } = row.headers
      return transport.enqueue(tx, [{ destination: { queue: row.queue }, messageId: row.messageId ?? randomUUID(), message: { headers, body: row.body } }])
    })
    await flush()
    return outcome
  },

  discard: async (id: string): Promise<Resolution> => {
    const result = await db.query(`update messaging.failed_messages set status = 'discarded', resolved_at = now() where id = $1 and status = 'unresolved'`, [id])
    if (result.rowCount === 1) return 'done'
    return (await db.query('select 1 from messaging.failed_messages where id = $1', [id])).rowCount ? 'already-resolved' : 'not-found'
  },
})

export type ErrorQueue = ReturnType<typeof errorQueue>
