import type { Channel, ChannelModel } from 'amqplib'
import type { EndpointSpec } from '../../../messaging/transport.ts'

/** Physical names: every queue and exchange of one deployment lives under its namespace. */
export const namesOf = (namespace: string) => ({
  queue: (logical: string) => `${namespace}.${logical}`,
  logical: (physical: string) => (physical.startsWith(`${namespace}.`) ? physical.slice(namespace.length + 1) : physical),
  events: `${namespace}.events`,
  error: `${namespace}.error`,
})

export type Names = ReturnType<typeof namesOf>

const serverMajor = (model: ChannelModel) => Number.parseInt(String(model.connection.serverProperties.version ?? '0'), 10) || 0

/**
 * What this transport declared, so that a reconnect declares it again (a temporary queue is gone once its consumer
 * went away with the connection) and `destroyTopology` knows what to delete.
 */
export const createTopology = (names: Names, deliveryLimit: number) => {
  const specs = new Map<string, EndpointSpec>()
  const removed = new Set<string>()
  let destroyed = false
  // RabbitMQ 4 gives quorum queues a delivery limit of 20 by default and drops what exceeds it when there is no
  // dead-letter target: the error queue must say "unlimited" (-1) there; RabbitMQ 3 has no default and no -1.
  let errorQueueLimit: { 'x-delivery-limit'?: number } = {}

  const declareBase = async (channel: Channel) => {
    await channel.assertExchange(names.events, 'topic', { durable: true })
    await channel.assertQueue(names.error, { durable: true, arguments: { 'x-queue-type': 'quorum', ...errorQueueLimit } })
  }

  const declareEndpoint = async (channel: Channel, spec: EndpointSpec) => {
    const queue = names.queue(spec.queue)
    if (spec.temporary) {
      // Exclusive too: RabbitMQ 4 deprecates transient queues that are not, and the queue should die with its process.
      await channel.assertQueue(queue, { durable: false, autoDelete: true, exclusive: true, arguments: { 'x-queue-type': 'classic' } })
    } else {
      await channel.assertQueue(queue, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': deliveryLimit,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': names.error,
          // Keep a message in its queue until the error queue has it, rather than lose it on the way.
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
          // One consumer at a time gets messages; RabbitMQ hands over to the next when it cancels or its connection dies.
          ...(spec.singleActiveConsumer && { 'x-single-active-consumer': true }),
        },
      })
    }
    for (const type of spec.events) await channel.bindQueue(queue, names.events, type)
  }

  return {
    /** Runs on every (re)connection, before channels are handed out. */
    async redeclare(model: ChannelModel) {
      if (destroyed) return
      errorQueueLimit = serverMajor(model) >= 4 ? { 'x-delivery-limit': -1 } : {}
      const channel = await model.createChannel()
      channel.on('error', () => {}) // the rejected call reports it
      try {
        await declareBase(channel)
        for (const spec of specs.values()) await declareEndpoint(channel, spec)
      } finally {
        await channel.close().catch(() => {})
      }
    },

    async declare(channel: Channel, spec: EndpointSpec) {
      await declareEndpoint(channel, spec)
      specs.set(spec.queue, spec)
      removed.delete(spec.queue)
    },

    /** Declares the queue again if this transport knows it (a consumer's channel may outlive an autoDelete queue). */
    async ensure(channel: Channel, logical: string) {
      const spec = specs.get(logical)
      if (spec) await declareEndpoint(channel, spec)
    },

    /** False once the queue was removed on purpose: its consumer should not come back. */
    wanted: (logical: string) => !removed.has(logical),

    async remove(channel: Channel, spec: EndpointSpec) {
      specs.delete(spec.queue)
      removed.add(spec.queue)
      const queue = names.queue(spec.queue)
      if (spec.temporary) await channel.deleteQueue(queue)
      else for (const type of spec.events) await channel.unbindQueue(queue, names.events, type)
    },

    async destroy(channel: Channel) {
      destroyed = true
      for (const logical of specs.keys()) removed.add(logical)
      removed.add(names.logical(names.error))
      for (const logical of specs.keys()) await channel.deleteQueue(names.queue(logical))
      await channel.deleteQueue(names.error)
      await channel.deleteExchange(names.events)
      specs.clear()
    },
  }
}

export type Topology = ReturnType<typeof createTopology>
