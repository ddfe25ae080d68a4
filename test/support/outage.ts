import type { Database, Sql } from '../../src/messaging/sql.ts'

/**
 * A database that can be made unreachable: while it is down, every statement and transaction through it fails as
 * a refused connection does (ECONNREFUSED), also a transaction already open. Only what goes through this wrapper.
 */
export const outageOf = (db: Database) => {
  let down = false
  let refusals = 0
  const refused = () => (refusals++, Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })))
  const guarded = (sql: Sql): Sql => ({
    query: (text, params) => (down ? refused() : sql.query(text, params)),
    exec: (script) => (down ? refused().then(() => {}) : sql.exec(script)),
  })
  const wrapped: Database = {
    ...db,
    ...guarded(db),
    transaction: (work) => (down ? refused() : db.transaction((tx) => work(guarded(tx)))),
  }
  /** `refusals()`: how many statements and transactions failed so, the outage's observable clock. */
  return { db: wrapped, down: () => void (down = true), up: () => void (down = false), refusals: () => refusals }
}
