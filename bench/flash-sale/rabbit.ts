import { connect } from 'amqplib'
import { partitionQueues } from '../../src/messaging/partitions.ts'

/**
 * The durable queues a Popcorn deployment declares under its namespace: each context's endpoint, its partitions,
 * and the error queue. Read from the composition root's list of contexts, so a new context's queue is found too.
 * (RabbitMQ has no listing over AMQP, and the management API may be off.)
 */
const durableQueues = async (namespace: string): Promise<string[]> => {
  const { contexts } = await import('../../src/contexts/index.ts')
  const logical = contexts.flatMap((context) => {
    const endpoint = context.endpoint
    if (!endpoint || endpoint.perInstance) return []
    return [endpoint.name, ...partitionQueues(endpoint.name, endpoint.partitions ?? 0)]
  })
  return [...logical, 'error'].map((name) => `${namespace}.${name}`)
}

export interface LeftInQueue {
  readonly messages: number
  /** Distinct message ids among them: fewer than messages means copies of one message (at-least-once delivery). */
  readonly distinct: number
  readonly byType: Record<string, number>
}

/**
 * Messages still sitting in the namespace's queues after the processes stopped: work never done. Read off (the
 * namespace is deleted next), at most `limit` per queue, to say what they are.
 */
export const leftInQueues = async (brokerUrl: string, namespace: string, limit = 20_000): Promise<Record<string, LeftInQueue>> => {
  const model = await connect(brokerUrl)
  try {
    const left: Record<string, LeftInQueue> = {}
    for (const queue of await durableQueues(namespace)) {
      const channel = await model.createChannel()
      channel.on('error', () => {}) // a queue that was never declared: the rejected call says so
      const found = await channel.checkQueue(queue).catch(() => undefined)
      if (found?.messageCount) {
        const ids = new Set<string>()
        const byType: Record<string, number> = {}
        let read = 0
        let lastAt = Date.now()
        // A consumer, not basic.get: quorum queues with a single active consumer refuse a get.
        const { consumerTag } = await channel.consume(queue, (message) => {
          if (!message) return
          read++
          lastAt = Date.now()
          ids.add(String(message.properties.messageId))
          const type = String(message.properties.type ?? '?')
          byType[type] = (byType[type] ?? 0) + 1
        }, { noAck: true })
        while (read < Math.min(found.messageCount, limit) && Date.now() - lastAt < 2_000) await new Promise((resolve) => setTimeout(resolve, 50))
        await channel.cancel(consumerTag).catch(() => {})
        left[queue.slice(namespace.length + 1)] = { messages: found.messageCount, distinct: ids.size, byType }
      }
      await channel.close().catch(() => {})
    }
    return left
  } finally {
    await model.close().catch(() => {})
  }
}

/** Deletes the namespace's queues and its events exchange. */
export const deleteNamespace = async (brokerUrl: string, namespace: string) => {
  const model = await connect(brokerUrl)
  try {
    for (const queue of await durableQueues(namespace)) {
      const channel = await model.createChannel()
      channel.on('error', () => {})
      await channel.deleteQueue(queue).catch(() => {})
      await channel.close().catch(() => {})
    }
    const channel = await model.createChannel()
    channel.on('error', () => {})
    await channel.deleteExchange(`${namespace}.events`).catch(() => {})
    await channel.close().catch(() => {})
  } finally {
    await model.close().catch(() => {})
  }
}
