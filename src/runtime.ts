import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { pino, type Logger } from 'pino'
import { coreMigrations, migrate } from './adapters/db/migrate.ts'
import { openDatabase } from './adapters/db/open.ts'
import { realtimeMigrations } from './adapters/realtime/socket-io.ts'
import { createDbQueueTransport } from './adapters/transport/db-queue.ts'
import { startTracing } from './adapters/tracing/sdk.ts'
import type { Config } from './config.ts'
import { ConfigError, publicUrlOf } from './config.ts'
import { contexts } from './contexts/index.ts'
import { defaultBundleLimits } from './messaging/bundle.ts'
import { createBus } from './messaging/bus.ts'
import { createMetrics, readingsOf } from './adapters/metrics/prometheus.ts'
import { serveMetrics } from './adapters/metrics/server.ts'
import { pruneInbox } from './messaging/inbox.ts'
import { MessageCatalog } from './messaging/message.ts'
import { SagaTimeout } from './messaging/saga.ts'
import type { Database } from './messaging/sql.ts'
import type { Transport } from './messaging/transport.ts'
import { opsSourcesOf } from './app.ts'
import { startWebNode } from './web/web-node.ts'

/** `start` is the embedded shape (everything in one process); `web` and `worker` are the scale-out roles. */
export type Role = 'start' | 'web' | 'worker'

const inboxKeepsHours = 7 * 24

export interface Running {
  readonly url?: string
  /** Where its metrics are served on a port of their own (POPCORN_METRICS_PORT). */
  readonly metricsUrl?: string
  stop(): Promise<void>
}

const openTransport = async (config: Config, db: Database, logger: Logger, role: Role): Promise<Transport> => {
  if (!config.POPCORN_BROKER_URL) return createDbQueueTransport(db, { logger, leaseMs: config.POPCORN_LEASE_MS })
  const { createRabbitTransport } = await import('./adapters/transport/rabbitmq.ts')
  return createRabbitTransport({ url: config.POPCORN_BROKER_URL, db, namespace: config.POPCORN_BROKER_NAMESPACE, logger, ingestDeadLetters: role !== 'web' })
}

/** How the bus of a process is tuned, from its configuration. */
/**
 * PGlite runs one transaction at a time: batches handled "at once" only queue for it, each a transaction of its own,
 * while one at a time lets the messages that arrive meanwhile make the next batch bigger. At 500 orders a second on
 * the embedded shape, 8 at once spent 3 ms of CPU per order and fell behind; 1 at once, 2.3 ms, and kept up.
 */
export const busSettingsOf = (config: Config, db: Pick<Database, 'exclusive'>) => ({
  concurrency: config.POPCORN_CONCURRENCY ?? (db.exclusive ? 1 : 8),
  batchSize: config.POPCORN_BATCH_SIZE,
  bundle: { ...defaultBundleLimits, maxMessages: config.POPCORN_BUNDLE_SIZE },
  limits: { maxBodyBytes: config.POPCORN_MAX_BODY_BYTES },
  recoverability: { immediateRetries: config.POPCORN_IMMEDIATE_RETRIES, delayedRetries: config.POPCORN_DELAYED_RETRIES_MS, maxDeliveries: 10 },
})

/** The composition root: which database, which transport, which contexts, and what this process serves. */
/**
 * `npm start` is how people try Popcorn out: the dev mailbox is on unless switched off, and the admin pages, closed
 * without a password, get one made at random for this run (logged once), so that they can be opened at all.
 */
const forTryingOut = (config: Config, logger: Logger): Config => {
  const password = config.POPCORN_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url')
  if (!config.POPCORN_ADMIN_PASSWORD) {
    logger.info({ user: 'admin', password }, 'the admin pages (/admin, the mailbox, ops) ask for this password in this run; set POPCORN_ADMIN_PASSWORD to choose one')
  }
  return { ...config, POPCORN_ADMIN_PASSWORD: password, POPCORN_DEV_MAILBOX: config.POPCORN_DEV_MAILBOX ?? 'on', POPCORN_FAULTS: config.POPCORN_FAULTS ?? 'on' }
}

export const startPopcorn = async (configured: Config, role: Role, logger: Logger = pino({ level: configured.POPCORN_LOG_LEVEL })): Promise<Running> => {
  // Before anything else, so that everything is traced; by the standard OTEL_* variables, off unless they ask.
  const tracing = await startTracing(process.env, role === 'start' ? 'popcorn' : `popcorn-${role}`)
  const config = role === 'start' ? forTryingOut(configured, logger) : configured
  const embedded = !/^postgres(ql)?:\/\//.test(config.POPCORN_DATABASE_URL)
  if (embedded && role !== 'start') {
    throw new ConfigError(`"popcorn ${role}" is the scale-out shape: several processes share one database, so set POPCORN_DATABASE_URL=postgres://… (PGlite belongs to one process; use "npm start" for it)`)
  }
  if (config.POPCORN_METRICS_PORT !== undefined && !config.POPCORN_ADMIN_PASSWORD) {
    throw new ConfigError('POPCORN_METRICS_PORT serves /metrics to admins, by the admin password: set POPCORN_ADMIN_PASSWORD too')
  }
  const db = await openDatabase(config.POPCORN_DATABASE_URL)
  const applied = await migrate(db, [coreMigrations, realtimeMigrations, ...contexts.flatMap((c) => (c.migrations ? [c.migrations] : []))])
  if (applied.length) logger.info({ applied }, 'migrations applied')
  const transport = await openTransport(config, db, logger, role)
  const catalog = new MessageCatalog([SagaTimeout, ...contexts.flatMap((c) => c.messages)])
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`
  const metrics = createMetrics({ db, transport, readings: () => readingsOf(contexts, db) })
  const bus = createBus({
    db, transport, catalog, logger, instanceId, observer: metrics.observer, faults: config.POPCORN_FAULTS === 'on',
    ...busSettingsOf(config, db),
  })
  if (role !== 'web') {
    for (const context of contexts) if (context.endpoint) await bus.start(context.endpoint)
    // After every endpoint is subscribed, so that what a context publishes at start (the catalog's seed) reaches them.
    for (const context of contexts) await context.onStart?.({ db, session: bus.session(context.name) })
  }
  // Duplicates come within minutes (a redelivery, a sweeper catching up); a week of handled ids is ample.
  const pruning = role === 'web' ? undefined : setInterval(() => {
    pruneInbox(db, inboxKeepsHours).then((n) => n && logger.info({ pruned: n }, 'old inbox entries pruned'), (error) => logger.warn({ err: error }, 'inbox pruning failed'))
  }, 3_600_000).unref()

  const describe = () => ({ role, instance: instanceId, database: db.kind, transport: transport.kind })
  const web = role === 'worker' ? undefined : await startWebNode({
    bus, db, contexts, logger, describe, config, metrics,
    listen: { port: config.PORT, host: config.HOST },
    maxBodyBytes: config.POPCORN_MAX_BODY_BYTES,
    ...(!embedded && { sharedDatabaseUrl: config.POPCORN_DATABASE_URL }),
  })
  const url = web?.url
  const background = role === 'web' ? [] : contexts.flatMap((context) => (context.background ? [context.background({
    db, session: bus.session(context.name), config, logger, ops: opsSourcesOf(bus, contexts, db), publicUrl: publicUrlOf(config, url ? Number(new URL(url).port) : config.PORT),
  })] : []))
  const metricsServer = config.POPCORN_METRICS_PORT === undefined ? undefined
    : await serveMetrics(metrics, { port: config.POPCORN_METRICS_PORT, host: config.HOST, password: config.POPCORN_ADMIN_PASSWORD!, logger })
  logger.info({ ...describe(), url, ...(metricsServer && { metrics: `${metricsServer.url}/metrics` }) }, 'popcorn is running')

  return {
    url,
    ...(metricsServer && { metricsUrl: `${metricsServer.url}/metrics` }),
    /** Stop taking work, let what is in hand finish (or return to its queue), then close connections. */
    async stop() {
      clearInterval(pruning)
      await Promise.all(background.map((stop) => stop()))
      await metricsServer?.close()
      await web?.stop()
      await bus.stop()
      await transport.close()
      await db.close()
      await tracing?.shutdown()
      logger.info('popcorn stopped')
    },
  }
}
