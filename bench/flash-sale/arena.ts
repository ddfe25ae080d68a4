import pino from 'pino'
import { migrate } from '../../src/adapters/db/migrate.ts'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { createDbQueueTransport } from '../../src/adapters/transport/db-queue.ts'
import { OpenShowtime } from '../../src/contexts/ordering/commands.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { defineEndpoint } from '../../src/messaging/endpoint.ts'
import type { Transport } from '../../src/messaging/transport.ts'
import { randomSuffix } from '../lib/servers.ts'
import { benchShowing } from '../writer/orders.ts'
import { writerCatalog, writerMigrations } from '../writer/writer.ts'
import type { World } from './worlds.ts'

/**
 * The ramp's showing: an arena, far more seats than every ticket the ramp offers, so that each order takes seats.
 * Its few sockets each stand for many browsers (and the naive site has no cap), so its per-buyer cap is its capacity.
 */
export const arenaShowing = (capacity: number) => ({
  ...benchShowing(capacity), showtimeId: 'bench-arena-1', movieTitle: 'Bench: the ramp', theaterName: 'Loopback Arena', ticketsPerBuyer: Math.min(capacity, 1_000_000),
})

/**
 * Asks Popcorn's ordering to open the arena showing, as the catalog does for its own: OpenShowtime on the bus.
 * Embedded, before `popcorn start` (PGlite belongs to one process): the command waits in the database queue for it.
 * Scale-out, after the worker started: RabbitMQ routes the command to the partition queue the worker declared.
 */
export const openArena = async (world: World, showing: ReturnType<typeof arenaShowing>) => {
  const logger = pino({ level: 'warn' })
  const db = await openDatabase(world.popcornDatabase)
  let transport: Transport | undefined
  try {
    await migrate(db, writerMigrations)
    if (world.broker) {
      const { createRabbitTransport } = await import('../../src/adapters/transport/rabbitmq.ts')
      transport = await createRabbitTransport({ url: world.broker.url, db, namespace: world.broker.namespace, logger })
    } else {
      transport = await createDbQueueTransport(db, { logger })
    }
    const bus = createBus({ db, transport, catalog: writerCatalog(), logger, instanceId: `bench-arena-${randomSuffix()}` })
    try {
      const endpoint = await bus.start(defineEndpoint({ name: 'bench-arena', perInstance: true, handlers: [] }))
      await endpoint.session.send(OpenShowtime, showing)
    } finally {
      await bus.stop()
    }
  } finally {
    await transport?.close()
    await db.close()
  }
}
