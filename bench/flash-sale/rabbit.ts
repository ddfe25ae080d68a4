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

/** Messages still sitting in the namespace's queues (after the processes stopped): work never done. */
export const queueDepths = async (brokerUrl: string, namespace: string): Promise<Record<string, number>> => {
  const model = await connect(brokerUrl)
  try {
    const depths: Record<string, number> = {}
    for (const queue of await durableQueues(namespace)) {
      const channel = await model.createChannel()
      channel.on('error', () => {}) // a queue that was never declared: the rejected call says so
      const found = await channel.checkQueue(queue).catch(() => undefined)
      if (found?.messageCount) depths[queue] = found.messageCount
      await channel.close().catch(() => {})
    }
    return depths
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
