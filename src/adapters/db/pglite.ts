import { mkdirSync } from 'node:fs'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import type { Database, QueryResult, Sql } from '../../messaging/sql.ts'

type Queryable = Pick<PGlite | Transaction, 'query' | 'exec'>

const wrap = (target: Queryable): Sql => ({
  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    const result = await target.query<Row>(text, params as unknown[])
    // pg counts the rows a SELECT returns; PGlite reports 0 affected rows for it
    return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) }
  },
  async exec(script: string) {
    await target.exec(script)
  },
})

/**
 * PGlite: PostgreSQL compiled to WASM, in this process. It survives a killed process (its WAL is replayed at open)
 * but never truly fsyncs, so the embedded shape promises process-crash safety, not power-loss durability.
 * One connection: PGlite queues every query behind an open transaction, so transactions never interleave.
 */
export const openPglite = async (dataDir: string): Promise<Database> => {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  const pg = await PGlite.create(dataDir)
  const sql = wrap(pg)
  return {
    kind: 'pglite',
    exclusive: true,
    ...sql,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    listen: async (channel, onNotify) => pg.listen(channel, onNotify),
    close: () => pg.close(),
  }
}
