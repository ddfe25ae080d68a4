import type { Sql } from './sql.ts'

/**
 * Records, in the handler's transaction, that a queue's endpoint handled a message id. False when it already had:
 * on PostgreSQL a concurrent duplicate waits here for the first to commit, then sees the conflict.
 */
export const recordHandled = async (tx: Sql, queue: string, messageId: string): Promise<boolean> =>
  (await tx.query('insert into messaging.inbox (queue, message_id) values ($1, $2) on conflict do nothing', [queue, messageId]))
    .rowCount === 1

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

/** Forgets handled ids older than the longest time a duplicate can still arrive. */
export const pruneInbox = async (sql: Sql, olderThanHours: number): Promise<number> =>
  (await sql.query(`delete from messaging.inbox where handled_at < now() - make_interval(hours => $1)`, [olderThanHours])).rowCount
