import type { Logger } from 'pino'
import { readBody, readHeaders, type Headers } from './envelope.ts'
import { isPermanent, messageTooLarge, MessagingError, noHandler, invalidMessage } from './errors.ts'
import { failureOf, recordFailure, type Failure } from './failed-messages.ts'
import { handlerContext, type Handle } from './handler.ts'
import { recordHandled } from './inbox.ts'
import type { MessageCatalog } from './message.ts'
import { OutgoingBuffer, type OutgoingLimits } from './outgoing.ts'
import type { RecoverabilityPolicy } from './recoverability.ts'
import type { Database } from './sql.ts'
import type { Delivery, Transport } from './transport.ts'
import { z } from 'zod'

export interface PipelineDeps {
  readonly db: Database
  readonly transport: Transport
  readonly catalog: MessageCatalog
  /** The queue consumed (inbox, retries and the error queue are per queue) and where replies to its sends come. */
  readonly endpoint: { readonly name: string; readonly queue: string; readonly replyTo: string }
  readonly handlers: ReadonlyMap<string, readonly Handle[]>
  readonly policy: RecoverabilityPolicy
  readonly limits: OutgoingLimits
  readonly logger: Logger
  readonly clock: () => Date
}

interface Readable {
  readonly headers: Headers
  readonly data: unknown
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

/** One attempt: inbox, handlers, outgoing messages and settling the delivery commit in one transaction. */
const handleOnce = async (deps: PipelineDeps, delivery: Delivery, { headers, data }: Readable) => {
  const now = deps.clock()
  const out = new OutgoingBuffer(deps.limits, now, { endpoint: deps.endpoint.name, replyTo: deps.endpoint.replyTo }, headers)
  const flush = await deps.db.transaction(async (tx) => {
    // Keyed by queue: each web node has its own copy of an event, and each must handle it.
    if (await recordHandled(tx, deps.endpoint.queue, headers.messageId)) {
      const context = handlerContext(headers, tx, now, out)
      for (const handle of deps.handlers.get(headers.type) ?? []) await handle(data, context)
    } else {
      deps.logger.info({ messageId: headers.messageId, type: headers.type }, 'duplicate delivery: already handled, no effect')
    }
    await delivery.completeWithin(tx)
    return deps.transport.enqueue(tx, out.messages)
  })
  await flush()
  await delivery.ack()
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

/** Immediate retries, then delayed retries with back-off, then the error queue. */
export const processDelivery = async (deps: PipelineDeps, delivery: Delivery): Promise<void> => {
  let readable: Readable
  try {
    readable = read(deps, delivery)
  } catch (error) {
    return deadLetter(deps, delivery, failureOf(error, 0))
  }
  const round = readable.headers.delayedRetries ?? 0
  const attemptsBefore = round * (1 + deps.policy.immediateRetries)
  if (delivery.deliveryCount > deps.policy.maxDeliveries) {
    const error = new MessagingError('TOO_MANY_DELIVERIES', `delivered ${delivery.deliveryCount} times without being settled: a crash loop?`)
    return deadLetter(deps, delivery, failureOf(error, attemptsBefore))
  }
  let lastError: unknown
  for (let attempt = 1; attempt <= 1 + deps.policy.immediateRetries; attempt++) {
    try {
      return await handleOnce(deps, delivery, readable)
    } catch (error) {
      lastError = error
      if (isPermanent(error)) return deadLetter(deps, delivery, failureOf(error, attemptsBefore + attempt))
      deps.logger.warn({ messageId: readable.headers.messageId, type: readable.headers.type, attempt, round, err: error }, 'handler failed; retrying')
    }
  }
  const delayMs = deps.policy.delayedRetries[round]
  if (delayMs === undefined) {
    return deadLetter(deps, delivery, failureOf(lastError, attemptsBefore + 1 + deps.policy.immediateRetries))
  }
  return deferRetry(deps, delivery, readable.headers, round, delayMs)
}
