import type { Logger } from 'pino'
import { readBody, readHeaders, type Headers } from './envelope.ts'
import { isPermanent, messageTooLarge, MessagingError, noHandler, invalidMessage } from './errors.ts'
import { failureOf, recordFailure, type Failure } from './failed-messages.ts'
import { handlerContext, type BatchItem, type HandlerRegistration } from './handler.ts'
import { recordAllHandled } from './inbox.ts'
import type { MessageCatalog } from './message.ts'
import { OutgoingBuffer, type OutgoingLimits } from './outgoing.ts'
import type { RecoverabilityPolicy } from './recoverability.ts'
import type { Database } from './sql.ts'
import type { Delivery, Flush, Transport } from './transport.ts'
import { z } from 'zod'

export interface PipelineDeps {
  readonly db: Database
  readonly transport: Transport
  readonly catalog: MessageCatalog
  /** The queue consumed (inbox, retries and the error queue are per queue) and where replies to its sends come. */
  readonly endpoint: { readonly name: string; readonly queue: string; readonly replyTo: string }
  readonly handlers: ReadonlyMap<string, readonly HandlerRegistration[]>
  readonly policy: RecoverabilityPolicy
  readonly limits: OutgoingLimits
  readonly logger: Logger
  readonly clock: () => Date
  /**
   * Hands over what a committed batch sent. The messages are safe in the outbox once committed, so the next batch
   * need not wait for the broker's confirms; the consumer publishes its batches' messages in the order they committed.
   */
  readonly publish: (flush: Flush) => void
}

interface Readable {
  readonly headers: Headers
  readonly data: unknown
}

interface Item extends Readable {
  readonly delivery: Delivery
}

/** Headers, type, schema, size and a handler: a message that fails any of these can never succeed. */
const read = (deps: PipelineDeps, delivery: Delivery): Readable => {
  const headers = readHeaders(delivery.raw)
  const definition = deps.catalog.get(headers.type)
  const bytes = Buffer.byteLength(delivery.raw.body)
  if (bytes > deps.limits.maxBodyBytes) throw messageTooLarge(headers.type, bytes, deps.limits.maxBodyBytes)
  const parsed = definition.schema.safeParse(readBody(delivery.raw))
  if (!parsed.success) throw invalidMessage(headers.type, z.prettifyError(parsed.error))
  if (!deps.handlers.has(headers.type)) throw noHandler(headers.type, deps.endpoint.name)
  return { headers, data: parsed.data }
}

/** Runs the handlers of consecutive messages of one type: a batch handler takes them all, any other one by one. */
const runHandlers = async (registrations: readonly HandlerRegistration[], run: readonly BatchItem[]) => {
  for (const registration of registrations) {
    if (registration.batch) await registration.batch(run)
    else for (const { data, context } of run) await registration.handle(data, context)
  }
}

/**
 * One attempt at one or many messages, in one transaction: the inbox records them in one statement (a message
 * handled before is skipped), the handlers run in arrival order, everything they send is written at once and the
 * deliveries are settled — all of it commits, or none of it does.
 */
const attempt = async (deps: PipelineDeps, items: readonly Item[]) => {
  const now = deps.clock()
  const started = performance.now()
  const outs: OutgoingBuffer[] = []
  const flush = await deps.db.transaction(async (tx) => {
    // Keyed by queue: each web node has its own copy of an event, and each must handle it.
    const fresh = await recordAllHandled(tx, deps.endpoint.queue, items.map((item) => item.headers.messageId))
    let run: BatchItem[] = []
    let runType = ''
    const endRun = async () => {
      if (run.length) await runHandlers(deps.handlers.get(runType) ?? [], run)
      run = []
    }
    for (const { headers, data } of items) {
      if (!fresh.delete(headers.messageId.toLowerCase())) {
        deps.logger.info({ messageId: headers.messageId, type: headers.type }, 'duplicate delivery: already handled, no effect')
        continue
      }
      if (headers.type !== runType) await endRun()
      runType = headers.type
      const out = new OutgoingBuffer(deps.limits, now, { endpoint: deps.endpoint.name, replyTo: deps.endpoint.replyTo }, headers)
      outs.push(out)
      run.push({ data, context: handlerContext(headers, tx, now, out) })
    }
    await endRun()
    await deps.transport.completeAllWithin(tx, items.map((item) => item.delivery))
    return deps.transport.enqueue(tx, outs.flatMap((out) => out.messages))
  })
  deps.publish(flush)
  for (const item of items) await item.delivery.ack()
  deps.logger.debug({ queue: deps.endpoint.queue, size: items.length, ms: Math.round(performance.now() - started) }, 'batch handled')
}

const deadLetter = async (deps: PipelineDeps, delivery: Delivery, failure: Failure) => {
  deps.logger.error({ queue: deps.endpoint.queue, headers: delivery.raw.headers, code: failure.code, reason: failure.reason }, 'message moved to the error queue')
  await deps.db.transaction(async (tx) => {
    await recordFailure(tx, deps.endpoint.queue, delivery.raw, failure)
    await delivery.completeWithin(tx)
  })
  await delivery.ack()
}

/** Hands the message back to this endpoint's queue, not before the back-off of the next round. */
const deferRetry = async (deps: PipelineDeps, delivery: Delivery, headers: Headers, round: number, delayMs: number) => {
  const deliverAt = new Date(deps.clock().getTime() + delayMs)
  const flush = await deps.db.transaction(async (tx) => {
    await delivery.completeWithin(tx)
    return deps.transport.enqueue(tx, [{
      destination: { queue: deps.endpoint.queue },
      messageId: headers.messageId,
      message: { headers: { ...delivery.raw.headers, delayedRetries: round + 1 }, body: delivery.raw.body },
      deliverAt,
    }])
  })
  await flush()
  await delivery.ack()
}

/** A message that can never succeed, or has been delivered too often, goes to the error queue; else it is readable. */
const admit = async (deps: PipelineDeps, delivery: Delivery): Promise<Item | undefined> => {
  let readable: Readable
  try {
    readable = read(deps, delivery)
  } catch (error) {
    await deadLetter(deps, delivery, failureOf(error, 0))
    return undefined
  }
  if (delivery.deliveryCount > deps.policy.maxDeliveries) {
    const round = readable.headers.delayedRetries ?? 0
    const error = new MessagingError('TOO_MANY_DELIVERIES', `delivered ${delivery.deliveryCount} times without being settled: a crash loop?`)
    await deadLetter(deps, delivery, failureOf(error, round * (1 + deps.policy.immediateRetries)))
    return undefined
  }
  return { ...readable, delivery }
}

/** Immediate retries, then delayed retries with back-off, then the error queue. */
const processAlone = async (deps: PipelineDeps, item: Item): Promise<void> => {
  const round = item.headers.delayedRetries ?? 0
  const attemptsBefore = round * (1 + deps.policy.immediateRetries)
  let lastError: unknown
  for (let attempted = 1; attempted <= 1 + deps.policy.immediateRetries; attempted++) {
    try {
      return await attempt(deps, [item])
    } catch (error) {
      lastError = error
      if (isPermanent(error)) return deadLetter(deps, item.delivery, failureOf(error, attemptsBefore + attempted))
      deps.logger.warn({ messageId: item.headers.messageId, type: item.headers.type, attempt: attempted, round, err: error }, 'handler failed; retrying')
    }
  }
  const delayMs = deps.policy.delayedRetries[round]
  if (delayMs === undefined) {
    return deadLetter(deps, item.delivery, failureOf(lastError, attemptsBefore + 1 + deps.policy.immediateRetries))
  }
  return deferRetry(deps, item.delivery, item.headers, round, delayMs)
}

/**
 * A batch that fails is split in halves, each tried on its own, down to single messages, which take the usual
 * retries and error queue: one bad message never poisons its neighbours, and every other message commits once.
 */
const processItems = async (deps: PipelineDeps, items: readonly Item[]): Promise<void> => {
  if (items.length === 0) return
  if (items.length === 1) return processAlone(deps, items[0]!)
  try {
    return await attempt(deps, items)
  } catch (error) {
    deps.logger.warn({ queue: deps.endpoint.queue, size: items.length, err: error }, 'a batch failed; splitting it to find the message at fault')
  }
  const half = Math.ceil(items.length / 2)
  await processItems(deps, items.slice(0, half))
  await processItems(deps, items.slice(half))
}

/** Could not even record the outcome (the database is gone?): give the messages back for another try. */
const releaseAll = async (deps: PipelineDeps, deliveries: readonly Delivery[], error: unknown) => {
  deps.logger.error({ err: error, queue: deps.endpoint.queue, count: deliveries.length }, 'deliveries not settled; releasing them')
  await Promise.all(deliveries.map((delivery) => delivery.release().catch(() => {})))
}

/** Handles deliveries in arrival order, as few transactions as their handlers allow. Never rejects. */
export const processBatch = async (deps: PipelineDeps, deliveries: readonly Delivery[]): Promise<void> => {
  const items: Item[] = []
  for (const delivery of deliveries) {
    const item = await admit(deps, delivery).catch(async (error: unknown) => void (await releaseAll(deps, [delivery], error)))
    if (item) items.push(item)
  }
  await processItems(deps, items).catch((error: unknown) => releaseAll(deps, items.map((item) => item.delivery), error))
}
