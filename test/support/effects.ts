import { fileURLToPath } from 'node:url'
import type { MigrationSource } from '../../src/adapters/db/migrate.ts'
import type { Sql } from '../../src/messaging/sql.ts'

export const testMigrations: MigrationSource = { owner: 'test', dir: fileURLToPath(new URL('./migrations', import.meta.url)) }

export const recordEffect = (tx: Sql, kind: string, key: string, detail?: unknown) =>
  tx.query('insert into test.effects (kind, key, detail) values ($1, $2, $3)', [kind, key, detail === undefined ? null : JSON.stringify(detail)])

export const effects = async (sql: Sql, kind?: string) =>
  (await sql.query<{ kind: string; key: string; detail: unknown }>(
    `select kind, key, detail from test.effects ${kind ? 'where kind = $1' : ''} order by id`, kind ? [kind] : [])).rows
