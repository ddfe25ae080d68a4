import { LRUCache } from 'lru-cache'
import type { Headers } from './envelope.ts'
import type { Sql } from './sql.ts'

/**
 * A message as the inbox records it: its id, when it was sent (for the wait it had), and what ops needs to draw its
 * conversation — its type, correlation, cause, intent, sender and, for a timeout or a reply to a saga, the saga.
 */
export type Handled = Pick<Headers, 'messageId'> &
  Partial<Pick<Headers, 'sentAt' | 'type' | 'intent' | 'correlationId' | 'causationId' | 'sentBy' | 'sagaName' | 'sagaId'>>

/**
 * Records a batch of messages in one statement; returns the ids of those not handled before (lower-case), each
 * once. A duplicate within the batch, or of an earlier one, is not among them.
 */
export const recordAllHandled = async (tx: Sql, queue: string, messages: readonly Handled[]): Promise<Set<string>> => {
  const byId = new Map(messages.map((m) => [m.messageId.toLowerCase(), m]))
  const all = [...byId.values()]
  const column = (field: Exclude<keyof Handled, 'messageId'>) => all.map((m) => m[field] ?? null)
  const { rows } = await tx.query<{ id: string }>(
    `insert into messaging.inbox (queue, message_id, sent_at, message_type, intent, correlation_id, causation_id, sent_by, saga_name, saga_id)
     select $1, m.* from unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) as m
     on conflict do nothing returning message_id::text as id`,
    [queue, [...byId.keys()], column('sentAt'), column('type'), column('intent'), column('correlationId'), column('causationId'), column('sentBy'), column('sagaName'), column('sagaId')],
  )
  return new Set(rows.map((row) => row.id))
}

/**
 * Records one message id, in the caller's transaction. False when the queue's endpoint handled it already: on
 * PostgreSQL a concurrent duplicate waits here for the first to commit, then sees the conflict.
 */
export const recordHandled = async (tx: Sql, queue: string, messageId: string): Promise<boolean> =>
  (await recordAllHandled(tx, queue, [{ messageId }])).size === 1

/** Forgets handled ids older than the longest time a duplicate can still arrive. */
export const pruneInbox = async (sql: Sql, olderThanHours: number): Promise<number> =>
  (await sql.query(`delete from messaging.inbox where handled_at < now() - make_interval(hours => $1)`, [olderThanHours])).rowCount

/**
 * The inbox of a per-process queue (a web node's replies): such a queue is removed with its process, so nothing is
 * ever redelivered to another, and an inbox in memory lives exactly as long as the queue it guards — without a row
 * written per message. It remembers the most recent ids (those a republished copy could repeat) for a while.
 *
 * So ops' conversations do not see what a web node handled. Writing its replies anyway, for "pushed to the browser"
 * as a conversation's last step, was measured at 35–45 µs a reply on a busy machine (PGlite and PostgreSQL alike, a
 * batch of 200 replies in one statement): as much again as the writer's own inbox row, on the path every order's
 * answer takes. A conversation shows a reply while it waits for its web node, not once it was pushed.
 */
export class MemoryInbox {
  private readonly seen = new LRUCache<string, true>({ max: 100_000, ttl: 10 * 60_000 })

  /** The ids (lower-case, each once) not handled before. */
  fresh(messageIds: readonly string[]): Set<string> {
    return new Set(messageIds.map((id) => id.toLowerCase()).filter((id) => !this.seen.has(id)))
  }

  /** After their transaction committed: these were handled. */
  remember(messageIds: Iterable<string>) {
    for (const id of messageIds) this.seen.set(id, true)
  }
}
