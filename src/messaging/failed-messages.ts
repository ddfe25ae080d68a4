import { createHash, randomUUID } from 'node:crypto'
import type { RawMessage } from './envelope.ts'
import { MessagingError } from './errors.ts'
import type { Database, Sql } from './sql.ts'
import { endpointOfQueueSql } from './partitions.ts'
import type { Transport } from './transport.ts'

/** The error queue: what failed, why, and after how many attempts; a person retries or discards it. */
export interface Failure {
  readonly code: string
  readonly reason: string
  readonly stack?: string
  readonly attempts: number
  /** The exception's class (`TypeError`), or the messaging error's code. */
  readonly exceptionType: string
}

export const failureOf = (error: unknown, attempts: number): Failure =>
  error instanceof Error
    ? { code: error instanceof MessagingError ? error.code : 'HANDLER_FAILED', reason: error.message, attempts, exceptionType: error instanceof MessagingError ? error.code : error.name || 'Error', ...(error.stack && { stack: error.stack }) }
    : { code: 'HANDLER_FAILED', reason: String(error), attempts, exceptionType: typeof error }

/**
 * The first frame of a stack that is Popcorn's own code (under `src/`, not a library's), as `function (src/…/file.ts:line)`:
 * where our code met the failure. Columns are left out; '' when no frame is ours.
 */
export const firstFrameOf = (stack: string | undefined): string => {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const frame = /^\s*at (?:(.+?) \()?(?:file:\/\/)?(.*?)(?::(\d+))?(?::\d+)?\)?$/.exec(line)
    const path = frame?.[2] ?? ''
    const ours = /(?:^|\/)(src\/.+)$/.exec(path)
    if (!ours || path.includes('node_modules')) continue
    return `${frame?.[1] ? `${frame[1]} ` : ''}(${ours[1]}${frame?.[3] ? `:${frame[3]}` : ''})`
  }
  return ''
}

/** Failures of one cause: the same exception type, thrown from the same place in our code. */
export const fingerprintOf = (exceptionType: string, firstFrame: string) =>
  createHash('sha256').update(`${exceptionType}\n${firstFrame}`).digest('hex').slice(0, 16)

const text = (value: unknown) => (typeof value === 'string' ? value : null)

export const recordFailure = async (tx: Sql, queue: string, raw: RawMessage, failure: Failure): Promise<string> => {
  const id = randomUUID()
  const firstFrame = firstFrameOf(failure.stack)
  await tx.query(
    `insert into messaging.failed_messages (id, message_id, message_type, queue, headers, body, code, reason, stack, attempts, exception_type, first_frame, fingerprint)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, text(raw.headers.messageId), text(raw.headers.type), queue, JSON.stringify(raw.headers ?? {}), raw.body, failure.code, failure.reason, failure.stack ?? null,
      failure.attempts, failure.exceptionType, firstFrame, fingerprintOf(failure.exceptionType, firstFrame)],
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
  readonly exceptionType: string
  readonly firstFrame: string
  readonly fingerprint: string
}

const columns = `id, message_id as "messageId", message_type as "messageType", queue, headers, body, code, reason, stack,
  attempts, failed_at as "failedAt", status, resolved_at as "resolvedAt", exception_type as "exceptionType", first_frame as "firstFrame", fingerprint`

/** What to look for in the error queue; every field narrows it. */
export interface FailedSearch {
  readonly status?: FailedStatus
  readonly messageType?: string
  readonly queue?: string
  readonly fingerprint?: string
  readonly correlationId?: string
  /** Failed at or after, before. */
  readonly from?: Date
  readonly to?: Date
  /** Attempts made, at least. */
  readonly minAttempts?: number
}

/** The search as a where clause over parameters from `$first` on. */
const whereOf = (search: FailedSearch, first = 1): { where: string; params: unknown[] } => {
  const conditions: string[] = []
  const params: unknown[] = []
  const add = (condition: string, value: unknown) => {
    params.push(value)
    conditions.push(condition.replace('?', `$${first + params.length - 1}`))
  }
  add('status = ?', search.status ?? 'unresolved')
  if (search.messageType) add('message_type = ?', search.messageType)
  if (search.queue) add(`${endpointOfQueueSql()} = ?`, search.queue)
  if (search.fingerprint) add('fingerprint = ?', search.fingerprint)
  if (search.correlationId) add(`headers->>'correlationId' = ?`, search.correlationId)
  if (search.from) add('failed_at >= ?', search.from)
  if (search.to) add('failed_at < ?', search.to)
  if (search.minAttempts !== undefined) add('attempts >= ?', search.minAttempts)
  return { where: conditions.join(' and '), params }
}

/** How the error queue's failures are grouped: by cause, by message type, or by the queue (endpoint) they failed in. */
export type GroupBy = 'fingerprint' | 'type' | 'queue'

const groupKey: Record<GroupBy, string> = {
  fingerprint: 'fingerprint',
  type: `coalesce(message_type, '(unreadable)')`,
  queue: endpointOfQueueSql(),
}

export interface FailureGroup {
  readonly key: string
  /** What a person reads: the exception and where, the message type, or the queue. */
  readonly title: string
  readonly count: number
  readonly firstFailedAt: string
  readonly lastFailedAt: string
  readonly messageTypes: string[]
  readonly queues: string[]
  /** One failure's reason, as an example. */
  readonly example: string
}

export type Resolution = 'done' | 'not-found' | 'already-resolved'

/** The error queue's operations, over whichever database and transport the process runs. */
export const errorQueue = (db: Database, transport: Transport) => ({
  list: async (options: FailedSearch & { limit: number; offset: number }): Promise<{ total: number; items: FailedMessage[] }> => {
    const { where, params } = whereOf(options, 3)
    const counted = whereOf(options)
    const [items, count] = await Promise.all([
      db.query<FailedMessage>(`select ${columns} from messaging.failed_messages where ${where} order by failed_at desc, id limit $1 offset $2`, [options.limit, options.offset, ...params]),
      db.query<{ n: number }>(`select count(*)::int as n from messaging.failed_messages where ${counted.where}`, counted.params),
    ])
    return { total: count.rows[0]?.n ?? 0, items: items.rows }
  },

  /** The failures found, grouped; the largest groups first. */
  groups: async (by: GroupBy, search: FailedSearch = {}): Promise<FailureGroup[]> => {
    const { where, params } = whereOf(search)
    const key = groupKey[by]
    const { rows } = await db.query<FailureGroup & { exceptionType: string; firstFrame: string }>(
      `select ${key} as key, count(*)::int as count, min(failed_at) as "firstFailedAt", max(failed_at) as "lastFailedAt",
         array_agg(distinct coalesce(message_type, '(unreadable)')) as "messageTypes", array_agg(distinct ${endpointOfQueueSql()}) as queues,
         min(reason) as example, min(exception_type) as "exceptionType", min(first_frame) as "firstFrame"
       from messaging.failed_messages where ${where} group by ${key} order by count(*) desc, max(failed_at) desc limit 200`, params)
    return rows.map(({ exceptionType, firstFrame, ...group }) => ({
      ...group,
      title: by === 'fingerprint' ? `${exceptionType}${firstFrame ? ` at ${firstFrame}` : ''}` : group.key,
    }))
  },

  /**
   * Sends every failure found back to the queue it failed in, in one transaction (each once: a row already retried or
   * discarded is not found again). Returns how many.
   */
  retryAll: async (search: FailedSearch): Promise<number> => {
    const { where, params } = whereOf({ ...search, status: 'unresolved' })
    let count = 0
    const flush = await db.transaction(async (tx) => {
      const rows = (await tx.query<FailedMessage>(
        `update messaging.failed_messages set status = 'retried', resolved_at = now() where id in (
           select id from messaging.failed_messages where ${where} order by failed_at for update skip locked limit 10000)
         returning ${columns}`, params)).rows
      count = rows.length
      return transport.enqueue(tx, rows.map((row) => {
        const { delayedRetries: _, ...headers } = row.headers
        return { destination: { queue: row.queue }, messageId: row.messageId ?? randomUUID(), message: { headers, body: row.body } }
      }))
    })
    await flush()
    return count
  },

  /** Discards every failure found. Returns how many. */
  discardAll: async (search: FailedSearch): Promise<number> => {
    const { where, params } = whereOf({ ...search, status: 'unresolved' })
    return (await db.query(`update messaging.failed_messages set status = 'discarded', resolved_at = now() where id in (
      select id from messaging.failed_messages where ${where} for update skip locked limit 10000)`, params)).rowCount ?? 0
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
