import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { z } from 'zod'
import { coreMigrations, migrate } from '../../src/adapters/db/migrate.ts'
import { openPglite } from '../../src/adapters/db/pglite.ts'
import { openPostgres } from '../../src/adapters/db/postgres.ts'
import { createDbQueueTransport } from '../../src/adapters/transport/db-queue.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { defineEndpoint } from '../../src/messaging/endpoint.ts'
import { handle } from '../../src/messaging/handler.ts'
import { defineCommand, defineReply, MessageCatalog } from '../../src/messaging/message.ts'
import type { Database } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'
import { probePostgres, probeRabbit, randomSuffix, Skip, throwawayDatabase } from '../lib/servers.ts'
import { createWaiters } from '../lib/waiters.ts'
import type { Settings } from './settings.ts'
import { withTeardown, type SubjectPlan } from './subject.ts'

const Ping = defineCommand('bench.Ping', 'bench-server', z.object({ n: z.number().int() }))
const Pong = defineReply('bench.Pong', z.object({ n: z.number().int() }))
const catalog = new MessageCatalog([Ping, Pong])

type Later = (step: () => Promise<unknown>) => void

/**
 * The round trip as the web server makes it: a per-instance client endpoint's session sends Ping (committed with
 * its outbox), the bench-server endpoint's handler replies, and the client's reply handler wakes the caller.
 */
const startRoundTrips = async (db: Database, transport: Transport, concurrency: number, logger: Logger, later: Later) => {
  const bus = createBus({ db, transport, catalog, logger, instanceId: randomSuffix(), concurrency })
  later(() => bus.stop())
  const waiters = createWaiters()
  await bus.start(defineEndpoint({ name: 'bench-server', handlers: [handle(Ping, (m, ctx) => ctx.reply(Pong, { n: m.n }))] }))
  const client = await bus.start(defineEndpoint({
    name: 'bench-client',
    perInstance: true,
    handlers: [handle(Pong, (_, ctx) => waiters.resolve(ctx.headers.correlationId))],
  }))
  let n = 0
  return {
    roundTrip: () => {
      const messageId = randomUUID() // the reply's correlation id: a conversation's id is its first message's
      return waiters.roundTrip(messageId, () => client.session.send(Ping, { n: n++ }, { messageId }))
    },
  }
}

const dbQueue = async (db: Database, logger: Logger, later: Later) => {
  const transport = await createDbQueueTransport(db, { logger })
  later(() => transport.close())
  return transport
}

/** A throw-away database on the bench server, migrated; dropped at teardown. */
const freshPostgres = async (settings: Settings, later: Later): Promise<Database> => {
  const throwaway = await throwawayDatabase(settings.databaseUrl, 'popcorn_bench')
  later(throwaway.drop)
  const db = await openPostgres(throwaway.url, { max: settings.poolMax })
  later(() => db.close())
  await migrate(db, [coreMigrations])
  return db
}

export const shapePlans = (settings: Settings, logger: Logger): SubjectPlan[] => [
  {
    id: 'embedded',
    label: 'embedded: PGlite + database queue',
    kind: 'shape',
    open: () => withTeardown(async (later) => {
      const dir = mkdtempSync(join(tmpdir(), 'popcorn-bench-'))
      later(async () => rmSync(dir, { recursive: true, force: true }))
      const db = await openPglite(dir)
      later(() => db.close())
      await migrate(db, [coreMigrations])
      const bus = await startRoundTrips(db, await dbQueue(db, logger, later), settings.concurrency, logger, later)
      return { roundTrip: bus.roundTrip, details: { database: 'PGlite (temp dir)', transport: 'database queue', concurrency: settings.concurrency } }
    }),
  },
  {
    id: 'postgres-dbqueue',
    label: 'PostgreSQL + database queue',
    kind: 'shape',
    open: () => withTeardown(async (later) => {
      const serverVersion = await probePostgres(settings.databaseUrl)
      const db = await freshPostgres(settings, later)
      const bus = await startRoundTrips(db, await dbQueue(db, logger, later), settings.concurrency, logger, later)
      return {
        roundTrip: bus.roundTrip,
        details: { database: `PostgreSQL ${serverVersion} (throw-away database)`, transport: 'database queue', concurrency: settings.concurrency, poolMax: settings.poolMax },
      }
    }),
  },
  {
    id: 'postgres-rabbitmq',
    label: 'PostgreSQL + RabbitMQ',
    kind: 'shape',
    open: () => withTeardown(async (later) => {
      const serverVersion = await probePostgres(settings.databaseUrl)
      const brokerVersion = await probeRabbit(settings.brokerUrl)
      // Loaded here, not at the top: without the module the other shapes still run.
      const { createRabbitTransport } = await import('../../src/adapters/transport/rabbitmq.ts').catch((error: unknown) => {
        throw new Skip(`the RabbitMQ transport module could not be loaded: ${error instanceof Error ? error.message : String(error)}`)
      })
      const db = await freshPostgres(settings, later)
      const namespace = `bench${randomSuffix()}`
      const transport = await createRabbitTransport({ url: settings.brokerUrl, db, namespace, logger })
      later(() => transport.close())
      later(() => transport.destroyTopology()) // after the bus stopped, before the transport closes
      const bus = await startRoundTrips(db, transport, settings.concurrency, logger, later)
      return {
        roundTrip: bus.roundTrip,
        details: {
          database: `PostgreSQL ${serverVersion} (throw-away database)`,
          transport: `RabbitMQ ${brokerVersion}: outbox + publisher confirms; quorum queue for bench-server, classic temporary queue for the replies`,
          namespace,
          concurrency: settings.concurrency,
          poolMax: settings.poolMax,
        },
      }
    }),
  },
]
