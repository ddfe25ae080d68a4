import { z } from 'zod'
import { causedHeaders, firstHeaders, type Headers } from './envelope.ts'
import { invalidMessage, messageTooLarge, wrongIntent } from './errors.ts'
import type { DataOf, MessageDefinition } from './message.ts'
import { partitionOf, partitionQueue } from './partitions.ts'
import { traceSend, type SendTrace } from './tracing.ts'
import type { Destination, Outgoing } from './transport.ts'

export interface OutgoingLimits {
  /** Largest body, in bytes of JSON, a message may have. */
  readonly maxBodyBytes: number
}

export interface SendOptions {
  readonly deliverAt?: Date
  /** Outside handlers only: a caller-chosen id makes a repeated send (a double submit) a duplicate the inbox drops. */
  readonly messageId?: string
}

/**
 * Validates a message against its schema and size, and turns it into what the transport writes. The destination
 * may depend on the validated data (a partitioned command's key).
 */
export const toOutgoing = (
  definition: MessageDefinition,
  data: unknown,
  headers: Headers,
  destination: Destination | ((valid: unknown) => Destination),
  limits: OutgoingLimits,
  options: SendOptions = {},
): Outgoing => {
  const parsed = definition.schema.safeParse(data)
  if (!parsed.success) throw invalidMessage(definition.type, z.prettifyError(parsed.error))
  const body = JSON.stringify(parsed.data)
  const bytes = Buffer.byteLength(body)
  if (bytes > limits.maxBodyBytes) throw messageTooLarge(definition.type, bytes, limits.maxBodyBytes)
  return {
    destination: typeof destination === 'function' ? destination(parsed.data) : destination,
    messageId: headers.messageId,
    message: { headers: { ...headers }, body },
    ...(options.deliverAt && { deliverAt: options.deliverAt }),
  }
}

/**
 * Where a message goes follows from its kind: commands to their owner, events to subscribers, replies back. A
 * partitioned command goes to its owner's partition for its key, so the route is a function of the (valid) data;
 * the wrong verb is refused at once, before the data is judged.
 */
export const routeOf = (definition: MessageDefinition, intent: Headers['intent'], replyTo?: string): ((data: unknown) => Destination) => {
  switch (intent) {
    case 'send': {
      const { owner, partitions } = definition
      if (definition.kind !== 'command' || !owner) throw wrongIntent(definition.type, 'only a command can be sent')
      if (!partitions) return () => ({ queue: owner })
      return (data) => ({ queue: partitionQueue(owner, partitionOf(partitions.key(data), partitions.count)) })
    }
    case 'publish':
      if (definition.kind !== 'event') throw wrongIntent(definition.type, 'only an event can be published')
      return () => ({ topic: definition.type })
    case 'reply':
      if (definition.kind !== 'reply') throw wrongIntent(definition.type, 'only a reply can be replied')
      if (!replyTo) throw wrongIntent(definition.type, 'the message being handled has no reply-to address')
      return () => ({ queue: replyTo })
    case 'timeout':
      throw wrongIntent(definition.type, 'timeouts are requested by a saga')
  }
}

export const destinationOf = (definition: MessageDefinition, intent: Headers['intent'], replyTo?: string, data?: unknown): Destination =>
  routeOf(definition, intent, replyTo)(data)

/** Builds the messages a handler or a session sends, in order, with headers caused by `cause` when there is one. */
export class OutgoingBuffer {
  readonly messages: Outgoing[] = []

  constructor(
    private readonly limits: OutgoingLimits,
    private readonly now: Date,
    private readonly sender: { readonly endpoint: string; readonly replyTo?: string },
    private readonly cause?: Headers,
    private readonly origin: { originClient?: string; correlationId?: string } = {},
    /** When tracing: each message gets a producer span within `parent`, and its `traceparent` is that span's. */
    private readonly trace?: SendTrace,
  ) {}

  add<D extends MessageDefinition>(definition: D, data: DataOf<D>, intent: 'send' | 'publish' | 'reply', options: SendOptions = {}): Headers {
    const route = routeOf(definition, intent, this.cause?.replyTo)
    const headers = this.headersFor(definition.type, intent, options.messageId)
    return this.push(toOutgoing(definition, data, headers, route, this.limits, options), headers)
  }

  /** A message to a named queue regardless of kind: saga timeouts and delayed retries to the endpoint itself. */
  addTo(queue: string, definition: MessageDefinition, data: unknown, intent: Headers['intent'], options: SendOptions & { headers?: Partial<Headers> } = {}): Headers {
    const headers = { ...this.headersFor(definition.type, intent), ...options.headers }
    return this.push(toOutgoing(definition, data, headers, { queue }, this.limits, options), headers)
  }

  private push(outgoing: Outgoing, headers: Headers): Headers {
    if (!this.trace) {
      this.messages.push(outgoing)
      return headers
    }
    const traceparent = traceSend(this.trace, outgoing, headers)
    this.messages.push({ ...outgoing, message: { ...outgoing.message, headers: { ...outgoing.message.headers, traceparent } } })
    return { ...headers, traceparent }
  }

  private headersFor(type: string, intent: Headers['intent'], messageId?: string): Headers {
    const options = { replyTo: this.sender.replyTo, sentBy: this.sender.endpoint }
    return this.cause
      ? causedHeaders(this.cause, type, intent, this.now, options)
      : firstHeaders(type, intent, this.now, { ...options, ...this.origin, ...(messageId && { messageId }) })
  }
}
