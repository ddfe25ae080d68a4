import type { Channel, ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import type { Consumer, Delivery } from '../../../messaging/transport.ts'

export interface ConsumerDeps {
  /** Waits while the connection is being recovered. */
  readonly createChannel: () => Promise<Channel>
  /** The physical queue name. */
  readonly queue: string
  readonly logger: Logger
  /** Declares the queue again before consuming: a temporary queue died with the consumer that kept it alive. */
  readonly prepare: (channel: Channel) => Promise<void>
  /** False once the queue was removed on purpose: then its consumer does not come back. */
  readonly wanted: () => boolean
}

export interface RabbitConsumer extends Consumer {
  /** Closes the channel without waiting: what is in hand goes back to the queue (the broker redelivers it). */
  abandon(): Promise<void>
}

/** Quorum queues count redeliveries in x-delivery-count; classic queues only say "redelivered". */
const deliveryCountOf = (message: ConsumeMessage) => {
  const count: unknown = message.properties.headers?.['x-delivery-count']
  return typeof count === 'number' ? 1 + count : message.fields.redelivered ? 2 : 1
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/**
 * One channel per consumer, prefetch = concurrency, manual acks. When the channel or the connection goes, it comes
 * back on a new channel (after the connection recovered) with back-off, until stopped.
 */
export const startConsumer = async (deps: ConsumerDeps, onDelivery: (delivery: Delivery) => Promise<void>, concurrency: number): Promise<RabbitConsumer> => {
  const { queue, logger } = deps
  const inHand = new Set<Promise<void>>()
  let current: { channel: Channel; tag: string } | undefined
  let stopping = false
  let reattaching = false

  const receive = (channel: Channel, message: ConsumeMessage) => {
    if (stopping) {
      try { channel.nack(message, false, true) } catch { /* closed: the broker requeues it anyway */ }
      return
    }
    let settled = false
    const settle = (how: 'ack' | 'release') => async () => {
      if (settled) return void logger.warn({ queue, messageId: message.properties.messageId, how }, 'delivery settled twice; ignored')
      settled = true
      if (current?.channel !== channel) {
        return void logger.warn({ queue, messageId: message.properties.messageId }, `could not ${how}: the channel closed meanwhile, so RabbitMQ redelivers the message`)
      }
      try {
        if (how === 'ack') channel.ack(message)
        else channel.nack(message, false, true)
      } catch (error) {
        logger.warn({ err: error, queue, messageId: message.properties.messageId }, `could not ${how}; RabbitMQ redelivers the message`)
      }
    }
    const delivery: Delivery = {
      raw: { headers: message.properties.headers ?? {}, body: message.content.toString('utf8') },
      deliveryCount: deliveryCountOf(message),
      completeWithin: async () => {},
      ack: settle('ack'),
      release: settle('release'),
    }
    const work = onDelivery(delivery)
      .catch((error: unknown) => logger.error({ err: error, queue, messageId: message.properties.messageId }, 'delivery handler failed'))
      .then(() => {
        if (settled) return
        logger.error({ queue, messageId: message.properties.messageId }, 'delivery handler returned without settling; releasing the message')
        return delivery.release()
      })
      .finally(() => inHand.delete(work))
    inHand.add(work)
  }

  const attach = async () => {
    const channel = await deps.createChannel()
    channel.on('error', (error) => logger.warn({ err: error, queue }, 'RabbitMQ closed a consumer channel'))
    channel.on('close', () => {
      if (current?.channel !== channel) return
      current = undefined
      if (!stopping) void reattach()
    })
    try {
      await deps.prepare(channel)
      await channel.prefetch(concurrency)
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message) return receive(channel, message)
        logger.warn({ queue }, 'RabbitMQ cancelled the consumer (was the queue deleted?)')
        void channel.close().catch(() => {})
      }, { noAck: false })
      if (stopping) throw new Error('consumer stopped while attaching')
      current = { channel, tag: consumerTag }
    } catch (error) {
      await channel.close().catch(() => {})
      throw error
    }
  }

  const reattach = async () => {
    if (reattaching) return
    reattaching = true
    try {
      for (let attempt = 1; !stopping && deps.wanted(); attempt++) {
        await sleep(Math.min(30_000, 100 * 2 ** attempt))
        if (stopping || !deps.wanted()) return
        try {
          await attach()
          return void logger.info({ queue }, 'consuming again')
        } catch (error) {
          if (!stopping) logger.error({ err: error, queue, attempt }, 'could not resume consuming; trying again')
        }
      }
    } finally {
      reattaching = false
    }
  }

  // RabbitMQ may refuse the first attempt while the queue is still being declared by another process, or while
  // the connection recovers: that is tried again with back-off (about half a minute in all) before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await attach()
      break
    } catch (error) {
      if (attempt >= 8 || !deps.wanted()) throw error
      logger.warn({ err: error, queue, attempt }, 'could not start consuming yet; trying again')
      await sleep(Math.min(10_000, 100 * 2 ** attempt))
    }
  }
  let stopped: Promise<void> | undefined
  return {
    stop: () =>
      (stopped ??= (async () => {
        stopping = true
        const attached = current
        if (attached) await attached.channel.cancel(attached.tag).catch(() => {})
        await Promise.allSettled([...inHand])
        current = undefined
        await attached?.channel.close().catch(() => {})
      })()),
    async abandon() {
      stopping = true
      const attached = current
      current = undefined
      await attached?.channel.close().catch(() => {})
    },
  }
}
