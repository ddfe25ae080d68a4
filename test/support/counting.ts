import type { Database, Sql } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'

/**
 * A database that counts the transactions begun through it and their statements, and fails any statement of a transaction whose
 * parameters name a poisoned value, alone or in an array (a member whose writes the database refuses, also when
 * its neighbours' rows go in the same statement).
 */
export const countingDatabase = (db: Database) => {
  let transactions = 0
  const texts: string[] = []
  const poisoned = new Set<unknown>()
  const guarded = (tx: Sql): Sql => ({
    query: (text, params) => {
      texts.push(text.trim())
      if (params?.some((p) => poisoned.has(p) || (Array.isArray(p) && p.some((v) => poisoned.has(v))))) return Promise.reject(new Error('the database refused this statement'))
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
  return {
    db: counted,
    transactions: () => transactions,
    /** How many statements of its transactions began with `start` (say, 'insert into ordering.orders'). */
    statements: (start: string) => texts.filter((text) => text.startsWith(start)).length,
    poison: (value: unknown) => void poisoned.add(value),
  }
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
