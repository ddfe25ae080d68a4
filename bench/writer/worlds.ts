import { deleteNamespace } from '../flash-sale/rabbit.ts'
import { probePostgres, probeRabbit, randomSuffix, shown, throwawayDatabase } from '../lib/servers.ts'
import type { Settings, ShapeId } from './settings.ts'
import { embeddedWorld, type World as BenchWorld } from '../lib/worlds.ts'

export type World = BenchWorld<ShapeId>

const embedded = async (): Promise<World> =>
  embeddedWorld('popcorn-bench-writer-', 'embedded (PGlite + database queue)', { database: 'PGlite in a temp folder (the naive decision: PGlite in a folder of its own)', transport: 'database queue', processes: 'the writer in the bench process (PGlite belongs to one process)' })

/** A throw-away database both subjects share (the naive decision in its own schema), and for RabbitMQ a fresh namespace. */
const postgres = async (settings: Settings, rabbit: boolean): Promise<World> => {
  const postgresVersion = await probePostgres(settings.databaseUrl)
  const rabbitVersion = rabbit ? await probeRabbit(settings.brokerUrl) : undefined
  const database = await throwawayDatabase(settings.databaseUrl, 'popcorn_bench_writer')
  const broker = rabbit ? { url: settings.brokerUrl, namespace: `bench-writer-${randomSuffix()}` } : undefined
  return {
    shape: rabbit ? 'postgres-rabbitmq' : 'postgres-dbqueue',
    label: rabbit ? 'PostgreSQL + RabbitMQ' : 'PostgreSQL + database queue',
    popcornDatabase: database.url,
    naiveDatabase: database.url,
    ...(broker && { broker }),
    details: {
      database: `PostgreSQL ${postgresVersion} at ${shown(settings.databaseUrl)}: throw-away database ${database.name} (Popcorn's schemas and the naive decision's schema "naive")`,
      transport: broker ? `RabbitMQ ${rabbitVersion} at ${shown(broker.url)}, namespace ${broker.namespace}` : 'database queue',
      processes: 'the writer in a child process of its own; the producer and the naive clients in the bench process',
    },
    async destroy() {
      if (broker) await deleteNamespace(broker.url, broker.namespace).catch(() => {})
      await database.drop()
    },
  }
}

/** Throws Skip (from the probes) when the shape's servers are unreachable. */
export const openWorld = (shape: ShapeId, settings: Settings): Promise<World> =>
  shape === 'embedded' ? embedded() : postgres(settings, shape === 'postgres-rabbitmq')
