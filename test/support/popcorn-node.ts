import { randomUUID } from 'node:crypto'
import { loadConfig } from '../../src/config.ts'
import { ShowtimeScheduled } from '../../src/contexts/catalog/messages.ts'
import type { ContextModule } from '../../src/contexts/index.ts'
import { createMetrics, readingsOf } from '../../src/adapters/metrics/prometheus.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { MessageCatalog, type DataOf, type MessageDefinition } from '../../src/messaging/message.ts'
import type { RecoverabilityPolicy } from '../../src/messaging/recoverability.ts'
import type { MigrationSource } from '../../src/adapters/db/migrate.ts'
import { SagaTimeout } from '../../src/messaging/saga.ts'
import { startWebNode } from '../../src/web/web-node.ts'
import { testLogger } from './logger.ts'
import type { Shape } from './shapes.ts'
import { testDefaults } from './visitor.ts'

export type Scheduled = DataOf<typeof ShowtimeScheduled>

export const showtime = (showtimeId: string, overrides: Partial<Scheduled> = {}): Scheduled => ({
  showtimeId, movieId: 'dune', theaterId: 'breda', movieTitle: 'Dune', theaterName: 'Breda', screen: 'Zaal 1',
  startsAt: '2026-12-01T19:30:00.000Z', capacity: 500, priceCents: 1250, ticketType: 'regular', policy: 'strict', drawingAt: null, ...overrides,
})

/** What a test adds to a node besides contexts: its own messages and tables, and a recoverability policy. */
export interface NodeExtras {
  readonly messages?: readonly MessageDefinition[]
  readonly migrations?: readonly MigrationSource[]
  readonly recoverability?: RecoverabilityPolicy
}

/**
 * In this process, on a fresh world of one shape: the endpoints of some contexts and one web node (HTTP and
 * sockets) serving them, configured by environment-style settings. Showtimes are scheduled as catalog would.
 */
export const startPopcornNode = async (shape: Shape, contexts: readonly ContextModule[], env: Record<string, string> = {}, extra: NodeExtras = {}) => {
  const world = await shape.create([...contexts.flatMap((c) => (c.migrations ? [c.migrations] : [])), ...(extra.migrations ?? [])])
  const catalog = new MessageCatalog([SagaTimeout, ShowtimeScheduled, ...contexts.flatMap((c) => c.messages), ...(extra.messages ?? [])])
  const config = loadConfig({ ...testDefaults, POPCORN_DEV_MAILBOX: 'on', ...env })
  const metrics = createMetrics({ db: world.db, transport: world.transport, readings: () => readingsOf(contexts, world.db) })
  const bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 16, observer: metrics.observer, faults: config.POPCORN_FAULTS === 'on', ...(extra.recoverability && { recoverability: extra.recoverability }) })
  for (const context of contexts) if (context.endpoint) await bus.start(context.endpoint)
  const web = await startWebNode({
    bus, db: world.db, contexts, logger: testLogger, describe: () => ({}), metrics,
    listen: { port: 0, host: '127.0.0.1' }, maxBodyBytes: 64 * 1024, config,
  })
  return {
    world,
    bus,
    url: web.url,
    schedule: (s: Scheduled) => bus.session('catalog').publish(ShowtimeScheduled, s),
    async stop() {
      await web.stop()
      await bus.stop()
      await world.destroy()
    },
  }
}

export type PopcornNode = Awaited<ReturnType<typeof startPopcornNode>>
