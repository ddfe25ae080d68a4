import type { Sql } from './sql.ts'

/**
 * Records, in the handler's transaction, that a queue's endpoint handled a message id. False when it already had:
 * on PostgreSQL a concurrent duplicate waits here for the first to commit, then sees the conflict.
 */
export const recordHandled = async (tx: Sql, queue: string, messageId: string): Promise<boolean> =>
  (await tx.query('insert into messaging.inbox (queue, message_id) values ($1, $2) on conflict do nothing', [queue, messageId]))
    .rowCount === 1

/** Forgets handled ids older than the longest time a duplicate can still arrive. */
export const pruneInbox = async (sql: Sql, olderThanHours: number): Promise<number> =>
  (await sql.query(`delete from messaging.inbox where handled_at < now() - make_interval(hours => $1)`, [olderThanHours])).rowCount
