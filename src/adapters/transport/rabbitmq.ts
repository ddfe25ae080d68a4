import { connect, type Channel, type ChannelModel } from 'amqplib'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { Database } from '../../messaging/sql.ts'
import { noFlush, type Transport } from '../../messaging/transport.ts'
import { startConsumer, type RabbitConsumer } from './rabbitmq/consumer.ts'
import { deadLetterIngester } from './rabbitmq/dead-letters.ts'
import { createOutboxRelay, insertOutbox } from './rabbitmq/outbox-relay.ts'
import { createPublisher } from './rabbitmq/publisher.ts'
import { createTopology, namesOf } from './rabbitmq/topology.ts'

const optionsSchema = z.object({
  url: z.url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL, e.g. amqp://guest:guest@127.0.0.1:5672' }),
  db: z.custom<Database>((value) => typeof (value as Database | undefined)?.transaction === 'function', 'must be a Database (the db adapter)'),
  namespace: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-", at most 100').default('popcorn'),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.error === 'function', 'must be a pino logger'),
  deliveryLimit: z.number().int().min(1).max(1_000).default(20),
  sweepIntervalMs: z.number().int().min(10).max(60_000).default(250),
  ingestDeadLetters: z.boolean().default(false),
})

export type RabbitTransportOptions = z.input<typeof optionsSchema>

export type RabbitTransport = Transport & {
  /** Deletes every queue and exchange this transport declared, messages included: for tests and teardown. */
  destroyTopology(): Promise<void>
}

/** The URL without its password, for errors and logs. */
const shown = (url: string) => {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/**
 * The scale-out transport. Messages go through `messaging.outbox` in the sender's transaction and are published
 * with publisher confirms after commit; a sweeper publishes what is due later or was never flushed. Endpoint
 * queues are quorum queues with a delivery limit that dead-letters into `${namespace}.error`.
 *
 * Connection loss is logged at error level; amqplib's recovery reconnects with back-off, declares the topology
 * again, and every consumer comes back on a new channel. Meanwhile flushes publish nothing and leave the rows in
 * the outbox for the sweeper, and deliveries in hand cannot be acked, so RabbitMQ redelivers them (the inbox makes
 * that harmless).
 */
export const createRabbitTransport = async (options: RabbitTransportOptions): Promise<RabbitTransport> => {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) throw new Error(`invalid RabbitMQ transport options:\n${z.prettifyError(parsed.error)}`)
  const { url, db, namespace, deliveryLimit, sweepIntervalMs, ingestDeadLetters } = parsed.data
  const logger = parsed.data.logger.child({ transport: 'rabbitmq', namespace })
  const names = namesOf(namespace)
  const topology = createTopology(names, deliveryLimit)

  const connection = await connect(url, {
    clientProperties: { connection_name: `popcorn ${namespace} (pid ${process.pid})` },
    recovery: { initialMaxRetries: 0, maxDelay: 15_000, setup: (model: ChannelModel) => topology.redeclare(model) },
  }).catch((error: unknown) => {
    throw new Error(`cannot connect to RabbitMQ at ${shown(url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  })

  let connected = true
  let closed = false
  connection.on('disconnect', (error) => {
    connected = false
    logger.error({ err: error }, 'lost the connection to RabbitMQ; reconnecting (the outbox keeps what is sent meanwhile)')
  })
  connection.on('connect', () => {
    if (!connected) logger.info('reconnected to RabbitMQ; topology declared again')
    connected = true
  })
  connection.on('reconnect-scheduled', ({ attempt, delay, error }) => logger.warn({ attempt, delayMs: delay, err: error }, 'RabbitMQ reconnect scheduled'))
  connection.on('connect-failed', (error) => logger.error({ err: error }, 'could not reconnect to RabbitMQ'))
  connection.on('reconnect-failed', (error) => logger.error({ err: error }, 'gave up reconnecting to RabbitMQ'))
  connection.on('error', (error) => logger.debug({ err: error }, 'RabbitMQ connection error')) // a disconnect follows
  connection.on('blocked', (reason) => logger.warn({ reason }, 'RabbitMQ blocks publishing (memory or disk alarm): flushes wait'))
  connection.on('unblocked', () => logger.info('RabbitMQ accepts publishing again'))

  const isConnected = () => connected && !closed
  const publisher = createPublisher({ open: () => connection.createConfirmChannel(), names, logger, isConnected })
  const relay = createOutboxRelay({ db, publisher, logger, sweepIntervalMs, isConnected })
  const consumers = new Set<RabbitConsumer>()

  /** A short-lived channel for declaring and deleting: a refused declaration closes only it. */
  const withChannel = async <T>(work: (channel: Channel) => Promise<T>): Promise<T> => {
    // After close() (a test's cleanup), a one-off connection.
    const model = closed ? await connect(url) : undefined
    const channel = await (model ?? connection).createChannel()
    channel.on('error', () => {}) // the refused call rejects with the broker's reason
    try {
      return await work(channel)
    } finally {
      await channel.close().catch(() => {})
      await model?.close().catch(() => {})
    }
  }

  const consume: Transport['consume'] = async (queue, onDelivery, { concurrency }) => {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`)
    const consumer = await startConsumer({
      createChannel: () => connection.createChannel(),
      queue: names.queue(queue),
      logger,
      prepare: (channel) => topology.ensure(channel, queue),
      wanted: () => !closed && topology.wanted(queue),
    }, onDelivery, concurrency)
    consumers.add(consumer)
    return {
      async stop() {
        await consumer.stop()
        consumers.delete(consumer)
      },
    }
  }

  if (ingestDeadLetters) {
    consumers.add(await startConsumer({
      createChannel: () => connection.createChannel(),
      queue: names.error,
      logger,
      prepare: async () => {}, // declared on every connection
      wanted: () => !closed && topology.wanted(names.logical(names.error)),
    }, deadLetterIngester({ db, names, deliveryLimit, logger }), 1))
  }

  relay.start()
  logger.info({ url: shown(url), deliveryLimit }, 'RabbitMQ transport ready')

  let closing: Promise<void> | undefined
  return {
    kind: 'rabbitmq',
    declare: (spec) => withChannel((channel) => topology.declare(channel, spec)),
    async enqueue(tx, messages) {
      if (messages.length === 0) return noFlush
      const due = await insertOutbox(tx, messages)
      return due.length === 0 ? noFlush : relay.flushOf(due)
    },
    // Nothing to do in the transaction: a delivery is settled by its ack after commit.
    completeAllWithin: async () => {},
    consume,
    remove: (spec) => withChannel((channel) => topology.remove(channel, spec)),
    async depths(queues) {
      const depths = new Map<string, number>()
      for (const queue of queues) {
        // A queue that is not there closes the channel it was asked on: each is asked on its own.
        const ready = await withChannel((channel) => channel.checkQueue(names.queue(queue))).then((q) => q.messageCount, () => undefined)
        if (ready !== undefined) depths.set(queue, ready)
      }
      return depths
    },
    close: () =>
      (closing ??= (async () => {
        closed = true // new flushes leave their rows to the next process's sweeper; those in flight finish
        await relay.stop()
        await Promise.all([...consumers].map((consumer) => consumer.abandon()))
        consumers.clear()
        await publisher.close()
        await connection.close()
      })()),
    async destroyTopology() {
      await Promise.all([...consumers].map((consumer) => consumer.stop()))
      consumers.clear()
      await withChannel((channel) => topology.destroy(channel))
    },
  }
}
