import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { coreMigrations, migrate } from '../../src/adapters/db/migrate.ts'
import { createDbQueueTransport } from '../../src/adapters/transport/db-queue.ts'
import type { Config } from '../../src/config.ts'
import { contexts } from '../../src/contexts/index.ts'
import { ordering } from '../../src/contexts/ordering/index.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { createMetrics } from '../../src/adapters/metrics/prometheus.ts'
import { MessageCatalog } from '../../src/messaging/message.ts'
import { SagaTimeout } from '../../src/messaging/saga.ts'
import { busSettingsOf } from '../../src/runtime.ts'
import type { Database } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'

/**
 * Popcorn's writer as src/runtime.ts composes a worker, with one endpoint only: ordering's, whose partitions decide
 * the orders. Every context's migrations and messages, so that what ordering publishes finds its types.
 */
export const writerMigrations = [coreMigrations, ...contexts.flatMap((c) => (c.migrations ? [c.migrations] : []))]

export const writerCatalog = () => new MessageCatalog([SagaTimeout, ...contexts.flatMap((c) => c.messages)])

/** The transport a worker opens: the database queue, or RabbitMQ (a worker takes in the dead letters). */
const openTransport = async (config: Config, db: Database, logger: Logger): Promise<Transport> => {
  if (!config.POPCORN_BROKER_URL) return createDbQueueTransport(db, { logger, leaseMs: config.POPCORN_LEASE_MS })
  const { createRabbitTransport } = await import('../../src/adapters/transport/rabbitmq.ts')
  return createRabbitTransport({ url: config.POPCORN_BROKER_URL, db, namespace: config.POPCORN_BROKER_NAMESPACE, logger, ingestDeadLetters: true })
}

/**
 * Migrates, opens the transport and starts ordering's endpoint on a bus of its own. `stop` finishes what is in hand
 * and closes the transport; the database stays open (its owner closes it).
 */
export const startWriter = async (config: Config, db: Database, logger: Logger) => {
  const endpoint = ordering.endpoint
  if (!endpoint) throw new Error('the ordering context has no endpoint')
  await migrate(db, writerMigrations)
  const transport = await openTransport(config, db, logger)
  // Told of every batch, as \`popcorn worker\` is: the metrics' cost is the writer's cost.
  const metrics = createMetrics({ db, transport, readings: async () => [] })
  const bus = createBus({
    db, transport, catalog: writerCatalog(), logger, observer: metrics.observer,
    instanceId: `bench-writer-${process.pid}-${randomBytes(2).toString('hex')}`,
    ...busSettingsOf(config, db),
  })
  try {
    await bus.start(endpoint)
  } catch (error) {
    await bus.stop().catch(() => {})
    await transport.close().catch(() => {})
    throw error
  }
  return {
    /** The transport the writer runs on: the embedded shape's bench sends and takes its replies through it too. */
    transport,
    async stop() {
      await bus.stop()
      await transport.close()
    },
  }
}
