import type { Logger } from 'pino'
import { isBundle, openBundle } from './bundle.ts'
import { readBody, readHeaders, type Headers, type RawMessage } from './envelope.ts'
import { isPermanent, messageTooLarge, MessagingError, noHandler, invalidMessage } from './errors.ts'
import { failureOf, recordFailure, type Failure } from './failed-messages.ts'
import { failsThisTime, InjectedFault, type EndpointFaults } from './faults.ts'
import { Alongside, handlerContext, type BatchItem, type HandlerRegistration } from './handler.ts'
import { recordAllHandled, type MemoryInbox } from './inbox.ts'
import type { MessageCatalog } from './message.ts'
import { OutgoingBuffer, type OutgoingLimits } from './outgoing.ts'
import type { RecoverabilityPolicy } from './recoverability.ts'
import type { Database, Sql } from './sql.ts'
import type { Delivery, Flush, Transport } from './transport.ts'
import type { MessagingObserver } from './observer.ts'
import { processSpans, type ProcessSpans } from './tracing.ts'
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
  /** Most messages handled in one transaction. */
  readonly maxBatch: number
  /** Where a per-process queue's inbox is kept, when it is kept in memory; otherwise it is the database's. */
  readonly memoryInbox?: MemoryInbox
  /** Told of every message handled, retried or failed (metrics); nobody, unless given. */
  readonly observer?: MessagingObserver
  /** Ops' faults on this endpoint as last read (a map in memory); none, where faults are not allowed. */
  readonly faults?: { of(endpoint: string): EndpointFaults | undefined; readonly random: () => number }
}

/**
 * How long an unreachable database is waited for before its failures count against the messages in hand: longer
 * than a restart or a fail-over takes; past it, the usual retries and the transport's delivery limit apply.
 */
const outageToleranceMs = 10 * 60_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Waits until the database answers again — asked every 250 ms, then less often, up to every 5 s — or `budgetMs` ran
 * out. Returns how long it waited.
 */
const untilDatabaseAnswers = async (deps: PipelineDeps, budgetMs: number, count: number): Promise<number> => {
  const started = performance.now()
  deps.logger.warn({ queue: deps.endpoint.queue, messages: count }, 'the database is out of reach; waiting for it, then trying the same messages again (not counted as their failure)')
  for (let delayMs = 250; performance.now() - started < budgetMs; delayMs = Math.min(5_000, delayMs * 2)) {
    await sleep(delayMs)
    try {
      await deps.db.query('select 1')
      deps.logger.info({ queue: deps.endpoint.queue, waitedMs: Math.round(performance.now() - started) }, 'the database answers again')
      break
    } catch (error) {
      if (!deps.db.unavailable(error)) break
    }
  }
  return performance.now() - started
}

/**
 * One attempt, through outages: a failure that says the database could not be reached is nobody's fault, so it is
 * not counted — no immediate retry, delayed round or error-queue entry is spent on it, and the deliveries stay in
 * hand (not given back for a redelivery that would count). Once the database answers, the same messages are tried
 * again; the inbox makes a commit that did happen before the connection dropped harmless.
 */
const attemptThroughOutages = async (deps: PipelineDeps, settlement: Settlement, items: readonly Item[]) => {
  for (let waitedMs = 0; ;) {
    try {
      return await attempt(deps, settlement, items)
    } catch (error) {
      if (!deps.db.unavailable(error) || waitedMs >= outageToleranceMs) throw error
      waitedMs += await untilDatabaseAnswers(deps, outageToleranceMs - waitedMs, items.length)
    }
  }
}

interface Readable {
  readonly headers: Headers
  readonly data: unknown
}

/** One message to handle: a delivery's own, or one of those a bundle carries (then several items share a delivery). */
interface Item extends Readable {
  readonly raw: RawMessage
  readonly delivery: Delivery
}

/** Headers, type, schema, size and a handler: a message that fails any of these can never succeed. */
const read = (deps: PipelineDeps, raw: RawMessage): Readable => {
  const headers = readHeaders(raw)
  const definition = deps.catalog.get(headers.type)
  const bytes = Buffer.byteLength(raw.body)
  if (bytes > deps.limits.maxBodyBytes) throw messageTooLarge(headers.type, bytes, deps.limits.maxBodyBytes)
  const parsed = definition.schema.safeParse(readBody(raw))
  if (!parsed.success) throw invalidMessage(headers.type, z.prettifyError(parsed.error))
  if (!deps.handlers.has(headers.type)) throw noHandler(headers.type, deps.endpoint.name)
  return { headers, data: parsed.data }
}

/**
 * What is still unfinished of each delivery. A bundle is settled with the last of its messages, in whichever
 * transaction finishes it: until then a crash gives the whole bundle back, and the inbox skips what was handled.
 */
class Settlement {
  private readonly left = new Map<Delivery, number>()

  expect(delivery: Delivery, messages: number) {
    this.left.set(delivery, messages)
  }

  /** The deliveries that nothing would be left of once these messages (one per entry) are finished. */
  finishing(deliveries: readonly Delivery[]): Delivery[] {
    const counts = new Map<Delivery, number>()
    for (const delivery of deliveries) counts.set(delivery, (counts.get(delivery) ?? 0) + 1)
    return [...counts].filter(([delivery, n]) => this.left.get(delivery) === n).map(([delivery]) => delivery)
  }

  finish(deliveries: readonly Delivery[]) {
    for (const delivery of deliveries) {
      const left = (this.left.get(delivery) ?? 1) - 1
      if (left > 0) this.left.set(delivery, left)
      else this.left.delete(delivery)
    }
  }

  forget(delivery: Delivery) {
    this.left.delete(delivery)
  }

  unsettled(): Delivery[] {
    return [...this.left.keys()]
  }
}

/**
 * Runs the handlers of consecutive messages of one type: a batch handler takes them all, any other one by one. Traced,
 * each runs within its message's process span; a batch handler within its first message's (what each item sends is
 * still sent within its own message's span: its buffer knows it).
 */
const runHandlers = async (registrations: readonly HandlerRegistration[], run: readonly BatchItem[], spans?: ProcessSpans) => {
  for (const registration of registrations) {
    const { batch } = registration
    if (batch) await (spans ? spans.within(run[0]!.context.headers, () => batch(run)) : batch(run))
    else if (spans) for (const { data, context } of run) await spans.within(context.headers, () => registration.handle(data, context))
    else for (const { data, context } of run) await registration.handle(data, context)
  }
}

/**
 * One attempt at one or many messages, in one transaction: the inbox records them in one statement (a message
 * handled before is skipped), the handlers run in arrival order, everything they send is written at once and the
 * deliveries they finish are settled — all of it commits, or none of it does.
 */
const attempt = async (deps: PipelineDeps, settlement: Settlement, items: readonly Item[]) => {
  failIfInjected(deps, items)
  const now = deps.clock()
  const started = performance.now()
  const outs: OutgoingBuffer[] = []
  const deliveries = items.map((item) => item.delivery)
  const finishing = settlement.finishing(deliveries)
  let handled: string[] = []
  const handledHeaders: Headers[] = []
  const spans = processSpans(deps.endpoint.queue, deps.transport.kind)
  const transaction = deps.db.transaction(async (tx) => {
    const writes = new Alongside()
    try {
      return await handleWithin(tx, writes)
    } catch (error) {
      throw await writes.settledAfter(error)
    }
  })
  const flush = await (spans ? spans.endWith(transaction) : transaction)
  settlement.finish(deliveries)
  deps.memoryInbox?.remember(handled)
  deps.publish(flush)
  for (const delivery of finishing) await delivery.ack()
  const processingMs = performance.now() - started
  deps.logger.debug({ queue: deps.endpoint.queue, size: items.length, ms: Math.round(processingMs) }, 'batch handled')
  if (handledHeaders.length) deps.observer?.handled(deps.endpoint.queue, processingMs, handledHeaders)

  async function handleWithin(tx: Sql, writes: Alongside) {
    // Settling the deliveries depends on nothing the handlers do: it runs while they do.
    writes.add(deps.transport.completeAllWithin(tx, finishing))
    // Keyed by queue: each web node has its own copy of an event, and each must handle it.
    const fresh = deps.memoryInbox
      ? deps.memoryInbox.fresh(items.map(({ headers }) => headers.messageId))
      : await recordAllHandled(tx, deps.endpoint.queue, items.map(({ headers }) => headers))
    handled = [...fresh]
    let run: BatchItem[] = []
    let runType = ''
    const endRun = async () => {
      if (run.length) await runHandlers(deps.handlers.get(runType) ?? [], run, spans)
      run = []
    }
    for (const { headers, data } of items) {
      if (!fresh.delete(headers.messageId.toLowerCase())) {
        deps.logger.info({ messageId: headers.messageId, type: headers.type }, 'duplicate delivery: already handled, no effect')
        continue
      }
      if (headers.type !== runType) await endRun()
      handledHeaders.push(headers)
      runType = headers.type
      const out = new OutgoingBuffer(deps.limits, now, { endpoint: deps.endpoint.name, replyTo: deps.endpoint.replyTo }, headers, undefined, spans?.start(headers))
      outs.push(out)
      run.push({ data, context: handlerContext(headers, tx, now, out, writes) })
    }
    await endRun()
    const enqueued = deps.transport.enqueue(tx, outs.flatMap((out) => out.messages))
    enqueued.catch(() => {}) // awaited below, once the writes before it are done
    await writes.done()
    return await enqueued
  }
}

/** Ops' fail fault: the attempt fails before its transaction opens, as a handler's failure would have undone it. */
const failIfInjected = (deps: PipelineDeps, items: readonly Item[]) => {
  const watch = deps.faults
  const faults = watch?.of(deps.endpoint.name)
  if (!watch || !faults) return
  for (const { headers } of items) {
    const percent = faults.failPercent(headers.type)
    if (percent > 0 && failsThisTime(percent, watch.random)) throw new InjectedFault(deps.endpoint.name, headers.type, percent)
  }
}

/**
 * Ops' delay fault: the batch waits before any transaction opens (PGlite has one connection: a wait inside one would
 * hold up everything), looking again every quarter second, so that lowering or healing the delay ends the wait.
 */
const holdForDelayFault = async (deps: PipelineDeps, items: readonly Item[]) => {
  const started = performance.now()
  const types = new Set(items.map(({ headers }) => headers.type))
  for (let faults = deps.faults?.of(deps.endpoint.name); faults; faults = deps.faults?.of(deps.endpoint.name)) {
    const left = faults.delayMs(types) - (performance.now() - started)
    if (left <= 0) return
    await sleep(Math.min(left, 250))
  }
}

/** Records the message as failed; settles its delivery when it was the last unfinished message of it. */
const deadLetter = async (deps: PipelineDeps, settlement: Settlement, delivery: Delivery, raw: RawMessage, failure: Failure) => {
  deps.logger.error({ queue: deps.endpoint.queue, headers: raw.headers, code: failure.code, reason: failure.reason }, 'message moved to the error queue')
  deps.observer?.failed(deps.endpoint.queue, typeof raw.headers.type === 'string' ? raw.headers.type : 'unknown')
  const finishing = settlement.finishing([delivery]).length > 0
  await deps.db.transaction(async (tx) => {
    await recordFailure(tx, deps.endpoint.queue, raw, failure)
    if (finishing) await delivery.completeWithin(tx)
  })
  settlement.finish([delivery])
  if (finishing) await delivery.ack()
}

/** Hands the message back to this endpoint's queue, not before the back-off of the next round. */
const deferRetry = async (deps: PipelineDeps, settlement: Settlement, item: Item, round: number, delayMs: number) => {
  const deliverAt = new Date(deps.clock().getTime() + delayMs)
  const finishing = settlement.finishing([item.delivery]).length > 0
  const flush = await deps.db.transaction(async (tx) => {
    if (finishing) await item.delivery.completeWithin(tx)
    return deps.transport.enqueue(tx, [{
      destination: { queue: deps.endpoint.queue },
      messageId: item.headers.messageId,
      message: { headers: { ...item.raw.headers, delayedRetries: round + 1 }, body: item.raw.body },
      deliverAt,
    }])
  })
  settlement.finish([item.delivery])
  await flush()
  if (finishing) await item.delivery.ack()
}

/**
 * The messages of a delivery that can be handled: one, or those its bundle carries. A message that can never succeed,
 * or has been delivered too often, goes to the error queue; a bundle that cannot be opened goes there whole.
 */
const admit = async (deps: PipelineDeps, settlement: Settlement, delivery: Delivery): Promise<Item[]> => {
  let raws: RawMessage[] = [delivery.raw]
  if (isBundle(delivery.raw)) {
    try {
      raws = openBundle(delivery.raw)
    } catch (error) {
      settlement.expect(delivery, 1)
      await deadLetter(deps, settlement, delivery, delivery.raw, failureOf(error, 0))
      return []
    }
  }
  settlement.expect(delivery, raws.length)
  const items: Item[] = []
  for (const raw of raws) {
    try {
      items.push({ ...read(deps, raw), raw, delivery })
    } catch (error) {
      await deadLetter(deps, settlement, delivery, raw, failureOf(error, 0))
    }
  }
  if (delivery.deliveryCount <= deps.policy.maxDeliveries) return items
  for (const item of items) {
    const round = item.headers.delayedRetries ?? 0
    const error = new MessagingError('TOO_MANY_DELIVERIES', `delivered ${delivery.deliveryCount} times without being settled: a crash loop?`)
    await deadLetter(deps, settlement, delivery, item.raw, failureOf(error, round * (1 + deps.policy.immediateRetries)))
  }
  return []
}

/** Immediate retries, then delayed retries with back-off, then the error queue. */
const processAlone = async (deps: PipelineDeps, settlement: Settlement, item: Item): Promise<void> => {
  const round = item.headers.delayedRetries ?? 0
  const attemptsBefore = round * (1 + deps.policy.immediateRetries)
  let lastError: unknown
  for (let attempted = 1; attempted <= 1 + deps.policy.immediateRetries; attempted++) {
    try {
      return await attemptThroughOutages(deps, settlement, [item])
    } catch (error) {
      lastError = error
      if (isPermanent(error)) return deadLetter(deps, settlement, item.delivery, item.raw, failureOf(error, attemptsBefore + attempted))
      deps.logger.warn({ messageId: item.headers.messageId, type: item.headers.type, attempt: attempted, round, err: error }, 'handler failed; retrying')
      if (attempted <= deps.policy.immediateRetries || deps.policy.delayedRetries[round] !== undefined) deps.observer?.retried(deps.endpoint.queue, item.headers.type)
    }
  }
  const delayMs = deps.policy.delayedRetries[round]
  if (delayMs === undefined) {
    return deadLetter(deps, settlement, item.delivery, item.raw, failureOf(lastError, attemptsBefore + 1 + deps.policy.immediateRetries))
  }
  return deferRetry(deps, settlement, item, round, delayMs)
}

/**
 * A batch that fails is split in halves, each tried on its own, down to single messages, which take the usual
 * retries and error queue: one bad message never poisons its neighbours, and every other message commits once.
 */
const processItems = async (deps: PipelineDeps, settlement: Settlement, items: readonly Item[]): Promise<void> => {
  if (items.length === 0) return
  if (items.length === 1) return processAlone(deps, settlement, items[0]!)
  try {
    return await attemptThroughOutages(deps, settlement, items)
  } catch (error) {
    deps.logger.warn({ queue: deps.endpoint.queue, size: items.length, err: error }, 'a batch failed; splitting it to find the message at fault')
  }
  const half = Math.ceil(items.length / 2)
  await processItems(deps, settlement, items.slice(0, half))
  await processItems(deps, settlement, items.slice(half))
}

/** Could not even record the outcome (the database is gone?): give the messages back for another try. */
const releaseAll = async (deps: PipelineDeps, deliveries: readonly Delivery[], error: unknown) => {
  deps.logger.error({ err: error, queue: deps.endpoint.queue, count: deliveries.length }, 'deliveries not settled; releasing them')
  await Promise.all(deliveries.map((delivery) => delivery.release().catch(() => {})))
}

/**
 * Handles deliveries in arrival order, as few transactions as their handlers allow and at most `maxBatch` messages
 * in each (bundles make many messages of few deliveries). Never rejects.
 */
export const processBatch = async (deps: PipelineDeps, deliveries: readonly Delivery[]): Promise<void> => {
  const settlement = new Settlement()
  const items: Item[] = []
  for (const delivery of deliveries) {
    const admitted = await admit(deps, settlement, delivery).catch(async (error: unknown) => {
      settlement.forget(delivery)
      await releaseAll(deps, [delivery], error)
      return []
    })
    items.push(...admitted)
  }
  try {
    if (deps.faults) await holdForDelayFault(deps, items)
    for (let from = 0; from < items.length; from += deps.maxBatch) await processItems(deps, settlement, items.slice(from, from + deps.maxBatch))
  } catch (error) {
    await releaseAll(deps, settlement.unsettled(), error)
  }
}
