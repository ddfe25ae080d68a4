import type { Sql } from './sql.ts'

/**
 * Records a batch of message ids in one statement; returns those not handled before (lower-case), each once. A
 * duplicate within the batch, or of an earlier one, is not among them.
 */
export const recordAllHandled = async (tx: Sql, queue: string, messageIds: readonly string[]): Promise<Set<string>> => {
  const ids = [...new Set(messageIds.map((id) => id.toLowerCase()))]
  const { rows } = await tx.query<{ id: string }>(
    `insert into messaging.inbox (queue, message_id) select $1, id from unnest($2::uuid[]) as id
     on conflict do nothing returning message_id::text as id`,
    [queue, ids],
  )
  return new Set(rows.map((row) => row.id))
}

/**
 * Records one message id, in the caller's transaction. False when the queue's endpoint handled it already: on
 * PostgreSQL a concurrent duplicate waits here for the first to commit, then sees the conflict.
 */
export const recordHandled = async (tx: Sql, queue: string, messageId: string): Promise<boolean> =>
  (await recordAllHandled(tx, queue, [messageId])).size === 1

/** Forgets handled ids older than the longest time a duplicate can still arrive. */
export const pruneInbox = async (sql: Sql, olderThanHours: number): Promise<number> =>
  (await sql.query(`delete from messaging.inbox where handled_at < now() - make_interval(hours => $1)`, [olderThanHours])).rowCount
