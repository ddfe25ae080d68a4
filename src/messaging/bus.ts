import type { Logger } from 'pino'
import { handlersOf, partitionQueuesOf, queueOf, subscribedEvents, type EndpointDefinition } from './endpoint.ts'
import { errorQueue } from './failed-messages.ts'
import { watchFaults, type FaultWatch } from './fault-watch.ts'
import type { EndpointFaults } from './faults.ts'
import type { MessageCatalog } from './message.ts'
import type { OutgoingLimits } from './outgoing.ts'
import { batching, type BatchingOptions } from './batching.ts'
import { bundling, defaultBundleLimits, type BundleLimits } from './bundle.ts'
import { startHeartbeats } from './heartbeats.ts'
import { MemoryInbox } from './inbox.ts'
import { processBatch } from './pipeline.ts'
import type { MessagingObserver } from './observer.ts'
import { createTally, observers } from './tally.ts'
import { defaultRecoverability, type RecoverabilityPolicy } from './recoverability.ts'
import { MessageSession } from './session.ts'
import type { Database } from './sql.ts'
import type { Consumer, EndpointSpec, Flush, Transport } from './transport.ts'

export interface BusOptions {
  readonly db: Database
  readonly transport: Transport
  readonly catalog: MessageCatalog
  readonly logger: Logger
  /** Names this process's per-instance queues. */
  readonly instanceId: string
  readonly recoverability?: RecoverabilityPolicy
  readonly limits?: OutgoingLimits
  /** Batches one endpoint handles at once in this process (a partition: always one). */
  readonly concurrency?: number
  /**
   * Most messages a queue's consumer takes into one transaction: a partition's writer one batch at a time, other
   * queues up to `concurrency` batches at once when messages trickle in. 1 handles every message on its own.
   */
  readonly batchSize?: number
  /** What one transaction sends to one queue or topic travels as one bundle of at most this much (maxMessages 1: never). */
  readonly bundle?: BundleLimits
  readonly clock?: () => Date
  /** Told of every message handled, retried or failed (the metrics). */
  readonly observer?: MessagingObserver
  /**
   * Ops' faults (delay, fail, pause) apply to this process's endpoints, read once a second: only where the
   * configuration allows them (POPCORN_FAULTS=on). Off, they are never read.
   */
  readonly faults?: boolean | { readonly everyMs?: number; readonly random?: () => number }
}

export interface RunningEndpoint {
  readonly name: string
  readonly queue: string
  readonly session: MessageSession
}

export const defaultLimits: OutgoingLimits = { maxBodyBytes: 64 * 1024 }

/** One queue an endpoint consumes (its own, or a partition), which can stop taking messages and start again. */
interface Feed {
  readonly spec: EndpointSpec
  consume(): Promise<Consumer>
  /** Waits until what its committed batches sent is published. */
  published(): Promise<void>
}

/** An endpoint this process runs: consuming its feeds, or paused by ops' fault (`consumers` undefined). */
interface Consuming {
  readonly name: string
  readonly feeds: Feed[]
  /** A per-process queue is never paused: on RabbitMQ it goes when its consumer does. */
  readonly faultable: boolean
  consumers?: Consumer[]
  /** Pausing and resuming, one after the other. */
  turning: Promise<void>
}

const consumeAll = async (feeds: readonly Feed[]) => {
  const consumers: Consumer[] = []
  try {
    for (const feed of feeds) consumers.push(await feed.consume())
    return consumers
  } catch (error) {
    for (const consumer of consumers) await consumer.stop()
    throw error
  }
}

/** The messaging core put together: endpoints consuming, sessions sending, the error queue to inspect. */
export const createBus = (options: BusOptions) => {
  const { db, catalog, logger } = options
  const transport = bundling(options.transport, options.bundle ?? defaultBundleLimits)
  const clock = options.clock ?? (() => new Date())
  const limits = options.limits ?? defaultLimits
  const policy = options.recoverability ?? defaultRecoverability
  const running: Consuming[] = []
  let stopping = false
  const concurrency = options.concurrency ?? 8
  const batchSize = options.batchSize ?? 256

  // What only this process knows of its endpoints (retries, batch times), told at each heartbeat for the console.
  const tally = createTally(() => clock().getTime())
  const observer = observers(options.observer, tally.observer)
  const heartbeats = startHeartbeats(db, options.instanceId, clock, (error) => logger.warn({ err: error }, 'a heartbeat could not be written; the next one tries again'), tally.summary)

  /** Pauses the endpoints ops' faults pause, and resumes those no longer paused: what waits in their queues is kept. */
  const pauseOrResume = (faults: ReadonlyMap<string, EndpointFaults>) => Promise.all(running.map((endpoint) => (endpoint.turning = endpoint.turning.then(async () => {
    const paused = endpoint.faultable && (faults.get(endpoint.name)?.paused ?? false)
    if (stopping || paused === !endpoint.consumers) return
    if (paused) {
      const consumers = endpoint.consumers ?? []
      endpoint.consumers = undefined
      for (const consumer of consumers) await consumer.stop()
      await heartbeats.paused(endpoint.name, true)
      logger.warn({ endpoint: endpoint.name }, 'paused by an ops fault: its messages wait in its queues')
    } else {
      endpoint.consumers = await consumeAll(endpoint.feeds)
      await heartbeats.paused(endpoint.name, false)
      logger.info({ endpoint: endpoint.name }, 'consuming again: the ops fault that paused it is off')
    }
  }).catch((error: unknown) => logger.error({ err: error, endpoint: endpoint.name }, 'could not pause or resume the endpoint; the next reading of the faults tries again')))))
  const faultOptions = options.faults === true ? {} : options.faults || undefined
  let faults: (FaultWatch & { readonly random: () => number }) | undefined
  /** Ops' faults, read (once) when the first endpoint they may touch starts. */
  const watchingFaults = async () => {
    if (!faultOptions || faults) return faults
    faults = { ...watchFaults(db, { everyMs: faultOptions.everyMs, onRead: async (read) => void (await pauseOrResume(read)), onError: (error) => logger.warn({ err: error }, 'could not read the ops faults; the next reading tries again') }), random: faultOptions.random ?? Math.random }
    await faults.refresh()
    return faults
  }

  const sessionFor = (endpoint: string, replyTo?: string) => new MessageSession({ db, transport, limits, clock }, { endpoint, replyTo })

  return {
    catalog,
    errors: errorQueue(db, transport),
    /** Messages waiting in these queues, as the transport says. */
    depths: (queues: readonly string[]) => transport.depths(queues),

    /** Reads ops' faults now and applies them here, rather than within the second (where faults are allowed). */
    faults: { refresh: async () => faults?.refresh() },

    async start(definition: EndpointDefinition): Promise<RunningEndpoint> {
      const faultable = !definition.perInstance
      const watch = faultable ? await watchingFaults() : undefined
      const queue = queueOf(definition, options.instanceId)
      const handlers = handlersOf(definition, queue)
      for (const type of handlers.keys()) catalog.get(type) // every handled type must be declared
      const partitions = partitionQueuesOf(definition, queue)
      const endpointLogger = logger.child({ endpoint: definition.name })
      const consumeFrom = async (spec: EndpointSpec, batches: BatchingOptions): Promise<Feed> => {
        await transport.declare(spec)
        // Each batch's messages go out as soon as it committed, in commit order, without waiting for the batch
        // before to be confirmed: one after the other, a partition's writer deciding small batches fast left its
        // replies queued behind each other's broker confirms (a second behind at 250 orders a second).
        const publishing = new Set<Promise<void>>()
        const publish = (flush: Flush) => {
          const work = flush().catch((error: unknown) => endpointLogger.error({ err: error }, 'publishing after commit failed; the outbox sweeper publishes it'))
          publishing.add(work)
          void work.finally(() => publishing.delete(work))
        }
        const published = async () => void (await Promise.all([...publishing]))
        // Replies to what a partition's handlers send come to the endpoint's own queue, not to the partition.
        const deps = { db, transport, catalog, endpoint: { name: definition.name, queue: spec.queue, replyTo: queue }, handlers, policy, limits, logger: endpointLogger, clock, publish, maxBatch: batchSize, ...(spec.temporary && { memoryInbox: new MemoryInbox() }), observer, ...(watch && { faults: watch }) }
        // A partition's next batch is taken while the last one commits, so the writer never waits on its queue.
        const inHand = batches.parallel === 1 ? 2 * batchSize : Math.max(batchSize, batches.parallel)
        // A partition's batches say who holds its writer (heartbeats tell the console): a map's entry per batch.
        const handle = spec.singleActiveConsumer
          ? async (deliveries: Parameters<typeof processBatch>[1]) => { await processBatch(deps, deliveries); heartbeats.wrote(spec.queue, clock()) }
          : (deliveries: Parameters<typeof processBatch>[1]) => processBatch(deps, deliveries)
        const onDelivery = batching(batches, handle)
        return { spec, published, consume: () => transport.consume(spec.queue, onDelivery, { concurrency: inHand }) }
      }
      const spec: EndpointSpec = { queue, events: subscribedEvents(definition, queue), temporary: definition.perInstance ?? false }
      const feeds = [await consumeFrom(spec, { size: batchSize, parallel: concurrency })]
      // One batch at a time per partition, in one process at a time: a partition's keys are never handled at once.
      for (const partition of partitions) feeds.push(await consumeFrom({ queue: partition, events: [], temporary: false, singleActiveConsumer: true }, { size: batchSize, parallel: 1 }))
      const paused = watch?.of(definition.name)?.paused ?? false
      running.push({ name: definition.name, feeds, faultable, turning: Promise.resolve(), ...(!paused && { consumers: await consumeAll(feeds) }) })
      if (paused) endpointLogger.warn('paused by an ops fault from the start: its messages wait in its queues')
      await heartbeats.started(definition.name, [queue, ...partitions], paused)
      logger.info({ endpoint: definition.name, queue, events: spec.events, partitions: partitions.length }, 'endpoint started')
      return { name: definition.name, queue, session: sessionFor(definition.name, queue) }
    },

    /** A session for sending only: what it sends carries no reply-to, so nothing waits on a queue nobody reads. */
    session: (name: string) => sessionFor(name),

    /** Stops taking messages (partitions included); what is in hand finishes or goes back to its queue. Temporary queues are removed. */
    async stop() {
      stopping = true
      faults?.stop() // a delay fault in progress ends
      await heartbeats.stopped().catch((error) => logger.warn({ err: error }, 'could not say this process stopped; its heartbeat will go quiet instead'))
      for (const endpoint of running.splice(0).reverse()) {
        await endpoint.turning
        const consumers = endpoint.consumers ?? []
        for (const [i, feed] of [...endpoint.feeds.entries()].reverse()) {
          await consumers[i]?.stop()
          await feed.published()
          if (feed.spec.temporary) await transport.remove(feed.spec).catch((error) => logger.warn({ err: error }, 'could not remove a temporary queue'))
        }
      }
    },
  }
}

export type Bus = ReturnType<typeof createBus>
