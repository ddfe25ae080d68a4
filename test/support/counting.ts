import type { Database, Sql } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'

/**
 * A database that counts the transactions begun through it, and fails any statement of a transaction whose
 * parameters name a poisoned value (a member whose writes the database refuses).
 */
export const countingDatabase = (db: Database) => {
  let transactions = 0
  const poisoned = new Set<unknown>()
  const guarded = (tx: Sql): Sql => ({
    query: (text, params) => {
      if (params?.some((p) => poisoned.has(p))) return Promise.reject(new Error('the database refused this statement'))
      return tx.query(text, params)
    },
    exec: (script) => tx.exec(script),
  })
  const counted: Database = {
    ...db,
    transaction: (work) => {
      transactions++
      return db.transaction((tx) => work(guarded(tx)))
    },
  }
  return { db: counted, transactions: () => transactions, poison: (value: unknown) => void poisoned.add(value) }
}

/** A transport that counts what is enqueued (calls, messages) and the flushes after commit. */
export const countingTransport = (transport: Transport) => {
  const counts = { enqueues: 0, messages: 0, flushes: 0 }
  const counted: Transport = {
    ...transport,
    async enqueue(tx, messages) {
      counts.enqueues++
      counts.messages += messages.length
      const flush = await transport.enqueue(tx, messages)
      return async () => {
        counts.flushes++
        await flush()
      }
    },
  }
  return { transport: counted, counts }
}
