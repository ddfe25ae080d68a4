import { probePostgres, probeRabbit, randomSuffix, shown, throwawayDatabase } from '../lib/servers.ts'
import { deleteNamespace } from './rabbit.ts'
import type { Settings, ShapeId } from './settings.ts'
import { embeddedWorld, type World as BenchWorld } from '../lib/worlds.ts'

export type World = BenchWorld<ShapeId>

const embedded = async (): Promise<World> =>
  embeddedWorld('popcorn-flash-sale-', 'embedded (PGlite + database queue, one process)', { popcorn: '`popcorn start`: PGlite in a temp folder, the database queue', naive: 'PGlite in its own temp folder, in the naive site\'s process' })

/** PostgreSQL + RabbitMQ: a throw-away database both subjects share (each its own schema) and a fresh namespace. */
const scaleOut = async (settings: Settings): Promise<World> => {
  const postgres = await probePostgres(settings.databaseUrl)
  const rabbit = await probeRabbit(settings.brokerUrl)
  const database = await throwawayDatabase(settings.databaseUrl, 'popcorn_flash_sale')
  const namespace = `flash-sale-${randomSuffix()}`
  return {
    shape: 'scale-out',
    label: 'scale-out (PostgreSQL + RabbitMQ, 1 web + 1 worker)',
    popcornDatabase: database.url,
    naiveDatabase: database.url,
    broker: { url: settings.brokerUrl, namespace },
    details: {
      database: `PostgreSQL ${postgres} at ${shown(settings.databaseUrl)}: throw-away database ${database.name} (Popcorn's schemas and the naive site's schema "naive")`,
      broker: `RabbitMQ ${rabbit} at ${shown(settings.brokerUrl)}, namespace ${namespace}`,
    },
    async destroy() {
      await deleteNamespace(settings.brokerUrl, namespace).catch(() => {})
      await database.drop()
    },
  }
}

/** Throws Skip (from the probes) when the shape's servers are unreachable. */
export const openWorld = (shape: ShapeId, settings: Settings): Promise<World> => (shape === 'embedded' ? embedded() : scaleOut(settings))
