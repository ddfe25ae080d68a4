import { pino } from 'pino'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { loadConfig } from '../../src/config.ts'
import { startWriter } from './writer.ts'

/**
 * Popcorn's writer alone, as its own process: `node --import tsx bench/writer/writer-process.ts` with Popcorn's own
 * settings (POPCORN_DATABASE_URL=postgres://…, POPCORN_BROKER_URL and _NAMESPACE for RabbitMQ, POPCORN_LOG_LEVEL).
 * Prints "writer ready" once ordering's endpoint consumes; SIGTERM finishes what is in hand and exits.
 */
const config = loadConfig()
const logger = pino({ level: config.POPCORN_LOG_LEVEL })
const db = await openDatabase(config.POPCORN_DATABASE_URL)
const writer = await startWriter(config, db, logger)
console.log(`writer ready (pid ${process.pid}, ${db.kind}, ${writer.transport.kind})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void writer.stop().then(() => db.close()).finally(() => process.exit(0))
  })
}
