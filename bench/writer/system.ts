import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { openPostgres } from '../../src/adapters/db/postgres.ts'
import { createDbQueueTransport } from '../../src/adapters/transport/db-queue.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/messaging/sql.ts'
import type { Transport } from '../../src/messaging/transport.ts'
import { startNodeProcess } from '../flash-sale/processes.ts'
import type { Logged } from './log.ts'
import { startWriter } from './writer.ts'
import type { World } from './worlds.ts'

const writerEntry = fileURLToPath(new URL('./writer-process.ts', import.meta.url))
export type Later = (step: () => Promise<unknown>) => void

export interface System {
  /** The bench's connection to Popcorn's database (embedded: the writer's own). */
  readonly db: Database
  /** The bench's transport (embedded: the writer's own). */
  readonly transport: Transport
  /** The writer's process, when it has one of its own. */
  readonly writerPid?: number
  /** What that process logged at warn and above. */
  readonly problems?: () => Logged
}

/** Popcorn's writer with its database and transport: in a process of its own, or (PGlite) in this one. */
export const startSystem = async (world: World, logger: Logger, later: Later): Promise<System> => {
  if (world.shape === 'embedded') {
    const config = loadConfig({ ...process.env, POPCORN_DATABASE_URL: world.popcornDatabase, POPCORN_BROKER_URL: '' })
    const db = await openDatabase(world.popcornDatabase)
    later(() => db.close())
    const writer = await startWriter(config, db, logger)
    later(() => writer.stop())
    return { db, transport: writer.transport }
  }
  const writer = startNodeProcess('writer', writerEntry, [], {
    POPCORN_DATABASE_URL: world.popcornDatabase,
    POPCORN_BROKER_URL: world.broker?.url ?? '',
    POPCORN_BROKER_NAMESPACE: world.broker?.namespace ?? 'popcorn',
    POPCORN_LOG_LEVEL: 'warn',
  }, /writer ready/)
  // Whatever ends the bench (its deadline, an interrupt), the writer does not outlive it.
  const kill = () => void writer.child.kill('SIGKILL')
  process.once('exit', kill)
  later(async () => process.off('exit', kill))
  later(() => writer.stop())
  await writer.ready
  // The bench's own connections, as a web node's: the producer's transactions and the reply handlers.
  const db = await openPostgres(world.popcornDatabase, { max: 20 })
  later(() => db.close())
  let transport: Transport
  if (world.broker) {
    const { createRabbitTransport } = await import('../../src/adapters/transport/rabbitmq.ts')
    transport = await createRabbitTransport({ url: world.broker.url, db, namespace: world.broker.namespace, logger })
  } else {
    transport = await createDbQueueTransport(db, { logger })
  }
  later(() => transport.close())
  return { db, transport, ...(writer.child.pid !== undefined && { writerPid: writer.child.pid }), problems: () => writer.problems() }
}

