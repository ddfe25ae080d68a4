import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'
import type { Database, QueryResult, Sql } from '../../messaging/sql.ts'
import { isDatabaseUnavailable } from './unavailable.ts'

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

/**
 * PostgreSQL through a pg pool; LISTEN holds one dedicated client per channel, opened again (with back-off, up to
 * 5 s apart) whenever it is lost — a server restart, a network cut — until unlistened.
 */
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
  // A client the pool has handed out has no 'error' listener of the pool's: one whose connection is cut between two
  // statements (a server restart) would throw an unhandled 'error' event and end the process. Its next statement
  // fails with the error instead, which is where it is handled.
  pool.on('connect', (client) => client.on('error', () => {}))
  await pool.query('select 1') // fail at start, with the driver's message, when the server is unreachable
  const listening = new Set<() => Promise<void>>()
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
      // The pool stops listening to a client it hands out: a connection lost between two statements (a server
      // restart) would be an unhandled 'error' event and take the process down. The next statement fails instead.
      let lost = false
      const onError = () => { lost = true }
      client.on('error', onError)
      try {
        await client.query('begin')
        const result = await inTransaction.run(true, () => work(wrap(client)))
        await client.query('commit')
        return result
      } catch (error) {
        lost ||= isDatabaseUnavailable(error)
        if (!lost) await client.query('rollback').catch(() => {})
        throw error
      } finally {
        client.removeListener('error', onError)
        client.release(lost) // a connection that was lost is closed, not handed to the next transaction
      }
    },
    async listen(channel, onNotify, onResume) {
      let current: pg.Client | undefined
      let stopped = false
      let retry: NodeJS.Timeout | undefined
      const open = async () => {
        const client = new pg.Client({ connectionString: url })
        client.on('error', () => {}) // 'end' follows, and that opens it again
        try {
          await client.connect()
          client.on('notification', (n) => n.channel === channel && onNotify(n.payload ?? ''))
          await client.query(`listen "${channel.replaceAll('"', '')}"`)
        } catch (error) {
          await client.end().catch(() => {})
          throw error
        }
        if (stopped) return void (await client.end().catch(() => {}))
        current = client
        client.once('end', () => {
          if (current === client) current = undefined
          if (!stopped) again(250)
        })
      }
      const again = (delayMs: number) => {
        retry = setTimeout(() => {
          open().then(() => onResume?.(), () => again(Math.min(5_000, delayMs * 2)))
        }, delayMs)
      }
      await open()
      const unlisten = async () => {
        stopped = true
        clearTimeout(retry)
        listening.delete(unlisten)
        await current?.end().catch(() => {})
      }
      listening.add(unlisten)
      return unlisten
    },
    unavailable: isDatabaseUnavailable,
    async close() {
      await Promise.all([...listening].map((unlisten) => unlisten()))
      await pool.end()
    },
  }
}
