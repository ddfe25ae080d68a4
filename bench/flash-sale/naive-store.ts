import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'

export type Query = <Row>(text: string, params?: unknown[]) => Promise<{ rows: Row[] }>

/** The naive site's database: a pg pool, or PGlite in its own process (one connection, as PGlite is). */
export interface Store {
  readonly kind: 'postgres' | 'pglite'
  query: Query
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** No connection freed up in time: the site answers 503, as a pool-starved site does. */
export class PoolTimeout extends Error {}

const postgres = (url: string, options: { max: number; waitMs: number }): Store => {
  const pool = new pg.Pool({ connectionString: url, max: options.max, connectionTimeoutMillis: options.waitMs })
  pool.on('error', () => {})
  const query: Query = async <Row>(text: string, params?: unknown[]) => ({ rows: (await pool.query(text, params)).rows as Row[] })
  return {
    kind: 'postgres',
    query,
    async transaction(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw /timeout/i.test(String(error)) ? new PoolTimeout(String(error)) : error
      })
      try {
        await client.query('begin')
        const result = await work(async <Row>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as Row[] }))
        await client.query('commit')
        return result
      } catch (error) {
        await client.query('rollback').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

const pglite = async (dir: string): Promise<Store> => {
  mkdirSync(dir, { recursive: true })
  const db = await PGlite.create(dir)
  return {
    kind: 'pglite',
    query: async (text, params) => db.query(text, params),
    transaction: (work) => db.transaction((tx) => work(async (text, params) => tx.query(text, params))),
    close: () => db.close(),
  }
}

export const openStore = (url: string, options: { max: number; waitMs: number }): Promise<Store> | Store =>
  /^postgres(ql)?:\/\//.test(url) ? postgres(url, options) : pglite(url)

/** Its own schema: beside Popcorn's in the same throw-away PostgreSQL database, or alone in its PGlite. */
export const naiveSchema = `
  create schema if not exists naive;
  create table if not exists naive.showings (
    showing_id  text primary key,
    ticket_type text not null,
    capacity    integer not null,
    seats_left  integer not null
  );
  create table if not exists naive.orders (
    order_id   uuid primary key,
    showing_id text not null references naive.showings,
    tickets    integer not null,
    email      text not null,
    outcome    text not null,
    created_at timestamptz not null default now()
  );`
