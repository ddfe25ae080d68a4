import { AsyncLocalStorage } from 'node:async_hooks'
import type { Database, Sql } from '../../src/messaging/sql.ts'

const listener = new AsyncLocalStorage<(at: number) => void>()

/**
 * The same database, whose transactions started inside `timingCommit` say when they committed: the producer's
 * session commits its orders, then flushes what it sent (RabbitMQ: publish and confirm), and latency counts from
 * the commit. Transactions started elsewhere (the reply handlers on the same bus) are untouched.
 */
export const stampingCommits = (db: Database): Database => {
  const stamped = Object.create(db) as Database & { transaction: Database['transaction'] }
  stamped.transaction = async <T>(work: (tx: Sql) => Promise<T>): Promise<T> => {
    const result = await db.transaction(work)
    listener.getStore()?.(performance.now())
    return result
  }
  return stamped
}

/** Runs `work` (a session transaction on a stamping database) and returns the moment it committed with its result. */
export const timingCommit = async <T>(work: () => Promise<T>): Promise<{ result: T; committedAt: number }> => {
  let committedAt = Number.NaN
  const result = await listener.run((at) => (committedAt = at), work)
  return { result, committedAt: Number.isNaN(committedAt) ? performance.now() : committedAt }
}
