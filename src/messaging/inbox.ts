import { LRUCache } from 'lru-cache'
import type { Sql } from './sql.ts'

/** A message as the inbox records it: its id, and when it was sent (its `sentAt` header), for the wait it had. */
export interface Handled {
  readonly messageId: string
  readonly sentAt?: string
}

/**
 * Records a batch of messages in one statement; returns the ids of those not handled before (lower-case), each
 * once. A duplicate within the batch, or of an earlier one, is not among them.
 */
export const recordAllHandled = async (tx: Sql, queue: string, messages: readonly Handled[]): Promise<Set<string>> => {
  const byId = new Map(messages.map((m) => [m.messageId.toLowerCase(), m.sentAt ?? null]))
  const { rows } = await tx.query<{ id: string }>(
    `insert into messaging.inbox (queue, message_id, sent_at) select $1, m.id, m.sent_at from unnest($2::uuid[], $3::timestamptz[]) as m(id, sent_at)
     on conflict do nothing returning message_id::text as id`,
    [queue, [...byId.keys()], [...byId.values()]],
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
