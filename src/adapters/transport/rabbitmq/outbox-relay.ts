import type { Logger } from 'pino'
import type { Database, Sql } from '../../../messaging/sql.ts'
import type { Flush, Outgoing } from '../../../messaging/transport.ts'
import { messageRows } from '../message-rows.ts'
import type { OutboxRow, Published, Publisher } from './publisher.ts'

const columns = 'id::text as id, message_id::text as message_id, destination_kind, destination, headers, body'
const SWEEP_BATCH = 200
/** A row this old was committed by a process that never flushed it (it died, or the broker was away). */
const STALE_AFTER = `interval '3 seconds'`
/** How long a message to a queue that does not exist (yet) waits before the next try. */
const UNROUTABLE_PAUSE = `interval '5 seconds'`

/**
 * Writes the messages in the caller's transaction, in one statement (see message-rows.ts); returns the rows due now
 * (the sweeper has the others), built from the messages in hand rather than read back.
 */
export const insertOutbox = async (tx: Sql, messages: readonly Outgoing[]): Promise<OutboxRow[]> => {
  const addressOf = ({ destination }: Outgoing) =>
    'queue' in destination ? { kind: 'queue' as const, destination: destination.queue } : { kind: 'topic' as const, destination: destination.topic }
  const due: OutboxRow[] = []
  let offset = 0
  for (const { document, bodies, params } of messageRows(messages, (m) => ({
    message_id: m.messageId,
    ...addressOf(m),
    headers: m.message.headers,
    deliver_at: m.deliverAt ?? null,
  }))) {
    const { rows } = await tx.query<{ id: string; due: boolean }>(
      `insert into messaging.outbox (message_id, destination_kind, destination, headers, body, deliver_at)
       select m.message_id, m.kind, m.destination, m.headers, b.body, coalesce(m.deliver_at, now())
       from json_to_recordset($1::json) as m(ord int, message_id uuid, kind text, destination text, headers jsonb, deliver_at timestamptz)
       join ${bodies} on b.ord = m.ord
       order by m.ord
       returning id::text as id, deliver_at <= now() as due`,
      [document, ...params],
    )
    // Ids are drawn in the order the rows are inserted, which is the chunk's order.
    rows.sort((a, b) => Number(a.id) - Number(b.id)).forEach((row, ord) => {
      if (!row.due) return
      const m = messages[offset + ord]!
      const { kind, destination } = addressOf(m)
      due.push({
        id: row.id,
        message_id: m.messageId,
        destination_kind: kind,
        destination,
        headers: m.message.headers,
        body: m.message.body,
      })
    })
    offset += params.length
  }
  return due
}

const settleRows = async (sql: Sql, published: Published) => {
  if (published.done.length > 0) await sql.query('delete from messaging.outbox where id = any($1::bigint[])', [published.done])
  if (published.unroutable.length > 0) {
    await sql.query(`update messaging.outbox set deliver_at = now() + ${UNROUTABLE_PAUSE} where id = any($1::bigint[])`, [published.unroutable])
  }
}

/**
 * From the outbox to the broker: `flushOf` right after a commit, and a sweeper for what is due later (delayed
 * retries, saga timeouts) or was never flushed (the process died, the broker was away). Rows are deleted only
 * after the broker confirmed them, so a message may go out twice, never zero times; the inbox absorbs the twice.
 */
export const createOutboxRelay = (deps: { readonly db: Database; readonly publisher: Publisher; readonly logger: Logger; readonly sweepIntervalMs: number; readonly isConnected: () => boolean }) => {
  const { db, publisher, logger } = deps
  const inFlight = new Set<Promise<unknown>>()
  const track = <T>(work: Promise<T>) => {
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work)).catch(() => {})
    return work
  }

  const sweepOnce = () =>
    db.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `select ${columns} from messaging.outbox
         where deliver_at <= now() and (deliver_at > created_at or created_at < now() - ${STALE_AFTER})
         order by deliver_at, id limit ${SWEEP_BATCH} for update skip locked`,
      )
      if (rows.length === 0) return { swept: 0, failed: 0, error: undefined }
      const published = await publisher.publish(rows)
      await settleRows(tx, published) // commit what was confirmed even when some were not
      return { swept: rows.length, failed: published.failed, error: published.error }
    })

  let stopped = false
  let failures = 0
  let timer: NodeJS.Timeout | undefined
  let sweeping: Promise<void> = Promise.resolve()
  const tick = () => {
    sweeping = (async () => {
      let nextMs = deps.sweepIntervalMs
      if (deps.isConnected()) {
        try {
          const { swept, failed, error } = await sweepOnce()
          if (failed > 0) throw Object.assign(new Error(`RabbitMQ did not confirm ${failed} of ${swept} messages`), { cause: error })
          if (failures > 0) logger.info('outbox sweeper recovered')
          failures = 0
          if (swept === SWEEP_BATCH) nextMs = 0
        } catch (error) {
          failures++
          nextMs = Math.min(30_000, deps.sweepIntervalMs * 2 ** failures)
          logger.error({ err: error, retryInMs: nextMs }, 'outbox sweep failed; the messages stay in the outbox')
        }
      }
      if (!stopped) (timer = setTimeout(tick, nextMs)).unref()
    })()
  }

  return {
    /**
     * Never rejects: once the transaction committed the messages are safe in the outbox, and a caller told
     * "failed" would think they were not sent. What the broker did not confirm is left to the sweeper, loudly.
     */
    flushOf(rows: readonly OutboxRow[]): Flush {
      let flushed: Promise<void> | undefined
      return () =>
        (flushed ??= track((async () => {
          const published = await publisher.publish(rows)
          await settleRows(db, published).catch((error: unknown) =>
            logger.error({ err: error }, 'published, but could not delete the outbox rows: the sweeper publishes them again'))
          if (published.failed > 0) {
            logger.error({ err: published.error, count: published.failed }, 'could not publish to RabbitMQ; the messages stay in the outbox for the sweeper')
          }
        })()))
    },
    start: tick,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await sweeping
      await Promise.allSettled([...inFlight])
    },
  }
}
