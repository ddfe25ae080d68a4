import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { migrate, coreMigrations, type MigrationSource } from '../../src/adapters/db/migrate.ts'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { createDbQueueTransport } from '../../src/adapters/transport/db-queue.ts'
import type { Database } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'
import { testLogger } from './logger.ts'

/**
 * The combinations a test runs on: PGlite with the database queue always; PostgreSQL with the database queue
 * and PostgreSQL with RabbitMQ when POPCORN_TEST_DATABASE_URL / POPCORN_TEST_BROKER_URL say where they are.
 */
export interface Shape {
  readonly name: string
  /** A fresh, migrated, empty world; `settings` opens the same world again (after a restart, or in a child process). */
  create(migrations?: readonly MigrationSource[]): Promise<World>
}

export interface WorldSettings {
  readonly databaseUrl: string
  readonly brokerUrl?: string
  readonly namespace?: string
}

export interface World {
  readonly settings: WorldSettings
  readonly db: Database
  readonly transport: Transport
  /** Closes this process's connections; the data stays for `reopen`. */
  close(): Promise<void>
  reopen(): Promise<World>
  /** Closes and deletes everything. */
  destroy(): Promise<void>
}

const testDatabaseUrl = process.env.POPCORN_TEST_DATABASE_URL
const testBrokerUrl = process.env.POPCORN_TEST_BROKER_URL

export const openTransport = async (db: Database, settings: WorldSettings, options: { leaseMs?: number } = {}): Promise<Transport> =>
  settings.brokerUrl
    ? (await import('../../src/adapters/transport/rabbitmq.ts')).createRabbitTransport({ url: settings.brokerUrl, db, namespace: settings.namespace ?? 'popcorn', logger: testLogger, ingestDeadLetters: true })
    : createDbQueueTransport(db, { logger: testLogger, leaseMs: options.leaseMs ?? 2_000 })

const openWorld = async (settings: WorldSettings, cleanup: () => Promise<void>): Promise<World> => {
  const db = await openDatabase(settings.databaseUrl)
  const transport = await openTransport(db, settings)
  const close = async () => {
    await transport.close()
    await db.close()
  }
  return {
    settings,
    db,
    transport,
    close,
    reopen: async () => openWorld(settings, cleanup),
    async destroy() {
      if ('destroyTopology' in transport) await (transport as Transport & { destroyTopology(): Promise<void> }).destroyTopology().catch(() => {})
      await close()
      await cleanup()
    },
  }
}

const pgliteShape: Shape = {
  name: 'pglite + database queue',
  async create(migrations = []) {
    const dir = mkdtempSync(join(tmpdir(), 'popcorn-test-'))
    const settings = { databaseUrl: dir }
    const db = await openDatabase(dir)
    await migrate(db, [coreMigrations, ...migrations])
    await db.close()
    return openWorld(settings, async () => rmSync(dir, { recursive: true, force: true }))
  },
}

const freshPostgres = async (adminUrl: string) => {
  const name = `popcorn_t_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const drop = async () => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  }
  return { url: url.toString(), drop }
}

/**
 * PostgreSQL (a fresh database per world, on the server of `adminUrl`: the suite's by default), with RabbitMQ at
 * `brokerUrl` (a node or a virtual host of its own, say) or the database queue.
 */
export const postgresShape = (brokerUrl?: string, adminUrl = testDatabaseUrl!): Shape => ({
  name: brokerUrl ? 'postgres + rabbitmq' : 'postgres + database queue',
  async create(migrations = []) {
    const { url, drop } = await freshPostgres(adminUrl)
    const db = await openDatabase(url)
    await migrate(db, [coreMigrations, ...migrations])
    await db.close()
    const settings = { databaseUrl: url, ...(brokerUrl && { brokerUrl, namespace: `t${randomBytes(4).toString('hex')}` }) }
    return openWorld(settings, drop)
  },
})

export const shapes: Shape[] = [
  pgliteShape,
  ...(testDatabaseUrl ? [postgresShape()] : []),
  ...(testDatabaseUrl && testBrokerUrl ? [postgresShape(testBrokerUrl)] : []),
]
