import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'
import type { Database, QueryResult, Sql } from '../../messaging/sql.ts'

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

const wrap = (target: Queryable): Sql => ({
  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    const result = await target.query(text, params as unknown[])
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length }
  },
  async exec(script: string) {
    await target.query(script)
  },
})

/** PostgreSQL through a pg pool; LISTEN holds one dedicated client per channel. */
export const openPostgres = async (url: string, options: { max?: number } = {}): Promise<Database> => {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Nothing waits forever: a connection not free within 30 s, or a transaction left idle for a minute (its
    // process stuck between statements), fails with an error the messaging core retries, instead of a silent stall.
    connectionTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  })
  pool.on('error', () => {}) // an idle client that dies is replaced on next use; queries report their own errors
  await pool.query('select 1') // fail at start, with the driver's message, when the server is unreachable
  const listeners = new Set<pg.Client>()
  // A transaction that waits for a second connection of the same pool can wait forever once every connection is
  // held by such a transaction (and reads outside its own snapshot meanwhile). PGlite, with one connection, would
  // hang at once; here it would hang only under load, so it is refused at once instead.
  const inTransaction = new AsyncLocalStorage<true>()
  const outside = (what: string) => {
    if (inTransaction.getStore()) throw new Error(`${what} on the pool from inside a transaction of the same database: use the transaction's own connection`)
  }
  const sql = wrap(pool)
  return {
    kind: 'postgres',
    exclusive: false,
    query: (text, params) => { outside('a query'); return sql.query(text, params) },
    exec: (script) => { outside('a query'); return sql.exec(script) },
    async transaction(work) {
      outside('a transaction')
      const client = await pool.connect()
      try {
        await client.query('begin')
        const result = await inTransaction.run(true, () => work(wrap(client)))
        await client.query('commit')
        return result
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => {})
      await client.connect()
      client.on('notification', (n) => n.channel === channel && onNotify(n.payload ?? ''))
      await client.query(`listen "${channel.replaceAll('"', '')}"`)
      listeners.add(client)
      return async () => {
        listeners.delete(client)
        await client.end().catch(() => {})
      }
    },
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})))
      await pool.end()
    },
  }
}
