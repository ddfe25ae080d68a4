import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { malformedEnvelope } from './errors.ts'

/** A W3C trace context: version 00, the trace id, the parent span's id, the flags. */
export const traceparentSchema = z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>')

/**
 * The headers every message carries. `originClient` is the generalised SignalRConnectionId of the original
 * demo: the browser session a conversation started from, copied onto every message caused by it.
 */
export const headersSchema = z.object({
  messageId: z.uuid(),
  type: z.string().min(1).max(200),
  intent: z.enum(['send', 'publish', 'reply', 'timeout']),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().max(200).optional(),
  replyTo: z.string().max(200).optional(),
  originClient: z.string().max(200).optional(),
  traceparent: traceparentSchema,
  sentAt: z.iso.datetime(),
  sentBy: z.string().max(200).optional(),
  /** Rounds of delayed retries this message has been through at its current endpoint. */
  delayedRetries: z.coerce.number().int().min(0).optional(),
  /** Saga bookkeeping for timeouts and replies to a saga. */
  sagaName: z.string().max(200).optional(),
  sagaId: z.string().max(200).optional(),
})

export type Headers = z.infer<typeof headersSchema>

/** What travels: headers plus the JSON body as text, as both transports store and carry it. */
export interface RawMessage {
  readonly headers: Record<string, unknown>
  readonly body: string
}

export interface Envelope<Data = unknown> {
  readonly headers: Headers
  readonly data: Data
}

/**
 * Random ids for trace context from randomUUID, which node serves from a pooled buffer: randomBytes per message cost
 * a system call each, an eighth of a busy writer's time. A v4 UUID carries 122 random bits, enough for either id.
 */
const traceId = () => randomUUID().replaceAll('-', '')
const spanId = () => randomUUID().replaceAll('-', '').slice(16)

export const newTraceparent = (trace = traceId()) => `00-${trace}-${spanId()}-01`

const traceIdOf = (traceparent: string) => traceparent.split('-')[1]

/** Headers for a message that starts a conversation (sent from outside any handler). */
export const firstHeaders = (
  type: string,
  intent: Headers['intent'],
  now: Date,
  options: { originClient?: string; correlationId?: string; replyTo?: string; sentBy?: string; messageId?: string } = {},
): Headers => {
  const messageId = options.messageId ?? randomUUID()
  return {
    messageId,
    type,
    intent,
    correlationId: options.correlationId ?? messageId,
    traceparent: newTraceparent(),
    sentAt: now.toISOString(),
    ...(options.replyTo && { replyTo: options.replyTo }),
    ...(options.originClient && { originClient: options.originClient }),
    ...(options.sentBy && { sentBy: options.sentBy }),
  }
}

/** Headers for a message caused by another: correlation, origin client and trace flow along the chain. */
export const causedHeaders = (
  cause: Headers,
  type: string,
  intent: Headers['intent'],
  now: Date,
  options: { replyTo?: string; sentBy?: string } = {},
): Headers => ({
  messageId: randomUUID(),
  type,
  intent,
  correlationId: cause.correlationId,
  causationId: cause.messageId,
  traceparent: newTraceparent(traceIdOf(cause.traceparent)),
  sentAt: now.toISOString(),
  ...(options.replyTo && { replyTo: options.replyTo }),
  ...(cause.originClient && { originClient: cause.originClient }),
  ...(options.sentBy && { sentBy: options.sentBy }),
  ...(cause.sagaName && intent === 'reply' && { sagaName: cause.sagaName, sagaId: cause.sagaId }),
})

/** Reads headers off the wire. A message whose headers cannot be read has no type to validate against. */
export const readHeaders = (raw: RawMessage): Headers => {
  const parsed = headersSchema.safeParse(raw.headers)
  if (!parsed.success) throw malformedEnvelope(`headers: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

export const readBody = (raw: RawMessage): unknown => {
  try {
    return JSON.parse(raw.body)
  } catch {
    throw malformedEnvelope('body is not JSON')
  }
}
