import type { Logger } from 'pino'
import { handlersOf, partitionQueuesOf, queueOf, subscribedEvents, type EndpointDefinition } from './endpoint.ts'
import { errorQueue } from './failed-messages.ts'
import type { MessageCatalog } from './message.ts'
import type { OutgoingLimits } from './outgoing.ts'
import { batching, type BatchingOptions } from './batching.ts'
import { bundling, defaultBundleLimits, type BundleLimits } from './bundle.ts'
import { startHeartbeats } from './heartbeats.ts'
import { MemoryInbox } from './inbox.ts'
import { processBatch } from './pipeline.ts'
import type { MessagingObserver } from './observer.ts'
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
}

export interface RunningEndpoint {
  readonly name: string
  readonly queue: string
  readonly session: MessageSession
}

export const defaultLimits: OutgoingLimits = { maxBodyBytes: 64 * 1024 }

/** The messaging core put together: endpoints consuming, sessions sending, the error queue to inspect. */
export const createBus = (options: BusOptions) => {
  const { db, catalog, logger } = options
  const transport = bundling(options.transport, options.bundle ?? defaultBundleLimits)
  const clock = options.clock ?? (() => new Date())
  const limits = options.limits ?? defaultLimits
  const policy = options.recoverability ?? defaultRecoverability
  const running: { spec: EndpointSpec; consumer: Consumer; published: () => Promise<void> }[] = []
  const concurrency = options.concurrency ?? 8
  const batchSize = options.batchSize ?? 256

  const heartbeats = startHeartbeats(db, options.instanceId, clock, (error) => logger.warn({ err: error }, 'a heartbeat could not be written; the next one tries again'))

  const sessionFor = (endpoint: string, replyTo?: string) => new MessageSession({ db, transport, limits, clock }, { endpoint, replyTo })

  return {
    catalog,
    errors: errorQueue(db, transport),
    /** Messages waiting in these queues, as the transport says. */
    depths: (queues: readonly string[]) => transport.depths(queues),

    async start(definition: EndpointDefinition): Promise<RunningEndpoint> {
      const queue = queueOf(definition, options.instanceId)
      const handlers = handlersOf(definition, queue)
      for (const type of handlers.keys()) catalog.get(type) // every handled type must be declared
      const partitions = partitionQueuesOf(definition, queue)
      const endpointLogger = logger.child({ endpoint: definition.name })
      const consumeFrom = async (spec: EndpointSpec, batches: BatchingOptions) => {
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
        const deps = { db, transport, catalog, endpoint: { name: definition.name, queue: spec.queue, replyTo: queue }, handlers, policy, limits, logger: endpointLogger, clock, publish, maxBatch: batchSize, ...(spec.temporary && { memoryInbox: new MemoryInbox() }), ...(options.observer && { observer: options.observer }) }
        // A partition's next batch is taken while the last one commits, so the writer never waits on its queue.
        const inHand = batches.parallel === 1 ? 2 * batchSize : Math.max(batchSize, batches.parallel)
        const consumer = await transport.consume(spec.queue, batching(batches, (deliveries) => processBatch(deps, deliveries)), { concurrency: inHand })
        running.push({ spec, consumer, published })
      }
      const spec: EndpointSpec = { queue, events: subscribedEvents(definition, queue), temporary: definition.perInstance ?? false }
      await consumeFrom(spec, { size: batchSize, parallel: concurrency })
      // One batch at a time per partition, in one process at a time: a partition's keys are never handled at once.
      for (const partition of partitions) await consumeFrom({ queue: partition, events: [], temporary: false, singleActiveConsumer: true }, { size: batchSize, parallel: 1 })
      await heartbeats.started(definition.name, [queue, ...partitions])
      logger.info({ endpoint: definition.name, queue, events: spec.events, partitions: partitions.length }, 'endpoint started')
      return { name: definition.name, queue, session: sessionFor(definition.name, queue) }
    },

    /** A session for sending only: what it sends carries no reply-to, so nothing waits on a queue nobody reads. */
    session: (name: string) => sessionFor(name),

    /** Stops taking messages (partitions included); what is in hand finishes or goes back to its queue. Temporary queues are removed. */
    async stop() {
      await heartbeats.stopped().catch((error) => logger.warn({ err: error }, 'could not say this process stopped; its heartbeat will go quiet instead'))
      for (const { spec, consumer, published } of running.splice(0).reverse()) {
        await consumer.stop()
        await published()
        if (spec.temporary) await transport.remove(spec).catch((error) => logger.warn({ err: error }, 'could not remove a temporary queue'))
      }
    },
  }
}

export type Bus = ReturnType<typeof createBus>
