import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { RawMessage } from './envelope.ts'
import { malformedEnvelope } from './errors.ts'
import type { Destination, Outgoing, Transport } from './transport.ts'

/**
 * Bundles: the messages one transaction sends to the same queue or topic travel as one physical message (one row of
 * the database queue, one outbox row and one AMQP message on RabbitMQ), which the receiving pipeline opens into the
 * messages it carries. Each keeps its own id, so the inbox, retries and the error queue treat it as before; only the
 * transport's work is shared: a writer's hundred replies to one web node cost one row, not a hundred inserts and
 * deletes, and a web node's hundred orders for one showing one publish and one confirm.
 */
export interface BundleLimits {
  /** Most messages one bundle carries; 1 sends every message on its own. */
  readonly maxMessages: number
  /** Largest bundle body, in characters of JSON (a receiver checks bytes against its ceiling); a larger message travels alone. */
  readonly maxBytes: number
}

export const defaultBundleLimits: BundleLimits = { maxMessages: 256, maxBytes: 1024 * 1024 }

/**
 * The most a receiver opens, whatever its own sending limits: a sender configured larger than a receiver must not
 * have its bundles refused. Configuration keeps every sender within it.
 */
export const bundleCeiling: BundleLimits = { maxMessages: 5_000, maxBytes: 16 * 1024 * 1024 }

/** The header that marks a bundle, with the number of messages it carries. */
export const BUNDLE_HEADER = 'bundle'
const BUNDLE_TYPE = 'popcorn.Bundle'

const keyOf = (destination: Destination) => ('queue' in destination ? `q:${destination.queue}` : `t:${destination.topic}`)

/** Messages for one destination, each already as its text in the bundle's body, after the first one's headers. */
interface Group {
  readonly messages: Outgoing[]
  readonly firstHeaders: string
  readonly texts: string[]
  bytes: number
}

const differences = (headers: Record<string, unknown>, first: Record<string, unknown>) => {
  const own: Record<string, unknown> = {}
  for (const key in headers) if (headers[key] !== first[key]) own[key] = headers[key]
  for (const key in first) if (!(key in headers)) own[key] = null
  return own
}

const toBundle = ({ messages, firstHeaders, texts }: Group): Outgoing => {
  if (messages.length === 1) return messages[0]!
  const messageId = randomUUID()
  return {
    destination: messages[0]!.destination,
    messageId,
    message: {
      headers: { messageId, type: BUNDLE_TYPE, [BUNDLE_HEADER]: messages.length, sentAt: messages[0]!.message.headers.sentAt },
      body: `{"first":${firstHeaders},"messages":[${texts.join(',')}]}`,
    },
  }
}

/**
 * Puts the messages for one destination into bundles, each where its first message was, keeping every destination's
 * order. A delayed message (a retry, a saga's timeout) travels alone: it is due at its own time.
 */
export const bundleMessages = (messages: readonly Outgoing[], limits: BundleLimits): Outgoing[] => {
  if (limits.maxMessages <= 1 || messages.length <= 1) return [...messages]
  const slots: (Outgoing | Group)[] = []
  const open = new Map<string, Group>()
  for (const message of messages) {
    if (message.deliverAt) {
      slots.push(message)
      continue
    }
    const key = keyOf(message.destination)
    let group = open.get(key)
    const textAgainst = (first: Outgoing) => JSON.stringify({ headers: differences(message.message.headers, first.message.headers), body: message.message.body })
    let text = group ? textAgainst(group.messages[0]!) : ''
    // Characters, not bytes: the limit is a bound on memory and frames, and a character is at most three bytes of it.
    if (!group || group.messages.length >= limits.maxMessages || group.bytes + text.length + 1 > limits.maxBytes) {
      text = textAgainst(message)
      const firstHeaders = JSON.stringify(message.message.headers)
      group = { messages: [], firstHeaders, texts: [], bytes: 30 + firstHeaders.length }
      open.set(key, group)
      slots.push(group)
    }
    group.messages.push(message)
    group.texts.push(text)
    group.bytes += text.length + 1
  }
  return slots.map((slot) => ('texts' in slot ? toBundle(slot) : slot))
}

/** The transport, sending what each transaction sends in bundles. Everything else passes through. */
export const bundling = (transport: Transport, limits: BundleLimits): Transport => ({
  kind: transport.kind,
  declare: (spec) => transport.declare(spec),
  enqueue: (tx, messages) => transport.enqueue(tx, bundleMessages(messages, limits)),
  completeAllWithin: (tx, deliveries) => transport.completeAllWithin(tx, deliveries),
  consume: (queue, onDelivery, options) => transport.consume(queue, onDelivery, options),
  remove: (spec) => transport.remove(spec),
  depths: (queues) => transport.depths(queues),
  close: () => transport.close(),
})

export const isBundle = (raw: RawMessage) => raw.headers[BUNDLE_HEADER] !== undefined

const member = z.object({ headers: z.record(z.string(), z.unknown()), body: z.string() }).strict()
/**
 * A bundle's body: the first message's headers once, then each message with only the headers in which it differs
 * from the first (null for one the first has and it has not) and its body. The messages of one transaction share
 * most of their headers (type, intent, sentAt, sentBy, replyTo, often originClient): written once, a writer's
 * hundreds of replies and events are about half the text to write, store and read.
 */
const sharedHeadersBody = z.object({ first: z.record(z.string(), z.unknown()), messages: z.array(member).min(1) }).strict()
const bundleBody = z.union([
  sharedHeadersBody,
  // Bundles written before the first message's headers were factored out, still in queues after an upgrade.
  z.array(member).min(1),
])

/** The messages a bundle carries, in order, each with all its headers; a bundle that cannot be read as one is refused whole. */
export const openBundle = (raw: RawMessage, limits: BundleLimits = bundleCeiling): RawMessage[] => {
  const bytes = Buffer.byteLength(raw.body)
  if (bytes > limits.maxBytes) throw malformedEnvelope(`a bundle of ${bytes} bytes, more than the ${limits.maxBytes} allowed`)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.body)
  } catch {
    throw malformedEnvelope('the bundle is not JSON')
  }
  const checked = bundleBody.safeParse(parsed)
  if (!checked.success) throw malformedEnvelope(`the bundle is not a list of messages: ${z.prettifyError(checked.error)}`)
  const messages = Array.isArray(checked.data) ? checked.data : withAllHeaders(checked.data)
  if (messages.length > limits.maxMessages) throw malformedEnvelope(`a bundle of ${messages.length} messages, more than the ${limits.maxMessages} allowed`)
  if (Number(raw.headers[BUNDLE_HEADER]) !== messages.length) throw malformedEnvelope(`the bundle says it carries ${String(raw.headers[BUNDLE_HEADER])} messages and carries ${messages.length}`)
  return messages
}

const withAllHeaders = ({ first, messages }: z.infer<typeof sharedHeadersBody>): RawMessage[] => messages.map(({ headers: own, body }) => {
  const headers = { ...first, ...own }
  for (const key in own) if (own[key] === null) delete headers[key]
  return { headers, body }
})
