import { context, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api'
import type { Headers } from './envelope.ts'
import type { Outgoing, Transport } from './transport.ts'

/**
 * Spans for messages by OpenTelemetry's messaging conventions: a producer span per message sent, whose context is the
 * envelope's `traceparent`, and a consumer span per message processed, a child of that producer span and linked to it.
 * Only the API is used here; which SDK runs, if any, is the composition root's choice.
 */
export const tracer = trace.getTracer('popcorn')

const noProvider = new ProxyTracerProvider().getDelegate()

/**
 * Whether an SDK registered a tracer provider. Asked once per batch, request or push, never per message: off, the
 * callers skip every span, so the hot path pays this call and nothing else.
 */
export const tracingOn = (): boolean => {
  const provider = trace.getTracerProvider()
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== noProvider
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A W3C `traceparent` for a span context. */
export const traceparentOf = (span: SpanContext): string =>
  `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`

/** The span context a W3C `traceparent` names (remote); none for a malformed one or the all-zero ids it forbids. */
export const spanContextOf = (traceparent: string): SpanContext | undefined => {
  const match = traceparentPattern.exec(traceparent)
  if (!match) return undefined
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string]
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true }
}

/** A context whose parent is what `traceparent` names; `base` when there is none. */
export const contextOf = (traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context => {
  const span = traceparent === undefined ? undefined : spanContextOf(traceparent)
  return span ? trace.setSpanContext(base, span) : base
}

/** `messaging.system`: RabbitMQ by its name, the database queue by ours. */
export const systemOf = (kind: Transport['kind']) => (kind === 'rabbitmq' ? 'rabbitmq' : 'popcorn_db_queue')

/** What a buffer needs to trace the messages it builds: the span they are sent within, and the transport's name. */
export interface SendTrace {
  readonly parent: Context
  readonly system: string
}

/** Outside handlers (a request, a socket event): the active context, when tracing is on. */
export const sendTraceHere = (kind: Transport['kind']): SendTrace | undefined =>
  tracingOn() ? { parent: context.active(), system: systemOf(kind) } : undefined

const messageAttributes = (headers: Headers) => ({
  'messaging.message.id': headers.messageId,
  'messaging.message.conversation_id': headers.correlationId,
  'popcorn.message.type': headers.type,
})

/** The producer span of one message; its context is what the envelope's `traceparent` becomes. */
export const traceSend = (sending: SendTrace, outgoing: Outgoing, headers: Headers): string => {
  const destination = 'queue' in outgoing.destination ? outgoing.destination.queue : outgoing.destination.topic
  const span = tracer.startSpan(`${headers.intent === 'publish' ? 'publish' : 'send'} ${destination}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': sending.system,
      'messaging.operation.type': 'send',
      'messaging.operation.name': headers.intent,
      'messaging.destination.name': destination,
      ...messageAttributes(headers),
    },
  }, sending.parent)
  span.end()
  return traceparentOf(span.spanContext())
}

/**
 * The process spans of one attempt at a batch, one per message: each a child of the message's producer span (its
 * envelope's `traceparent`) and linked to it, open until the batch's transaction ends.
 */
export class ProcessSpans {
  private readonly open = new Map<Headers, { readonly span: Span; readonly context: Context }>()

  constructor(private readonly queue: string, private readonly system: string) {}

  /** Opens the span of one message; what its handler sends is sent within it. */
  start(headers: Headers): SendTrace {
    const creation = spanContextOf(headers.traceparent)
    const parent = creation ? trace.setSpanContext(ROOT_CONTEXT, creation) : ROOT_CONTEXT
    const span = tracer.startSpan(`process ${this.queue}`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': this.system,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': this.queue,
        ...messageAttributes(headers),
      },
      links: creation ? [{ context: creation }] : [],
    }, parent)
    const within = trace.setSpan(parent, span)
    this.open.set(headers, { span, context: within })
    return { parent: within, system: this.system }
  }

  /** Runs `work` (a message's handler) with the message's span active. */
  within<T>(headers: Headers, work: () => T): T {
    const opened = this.open.get(headers)
    return opened ? context.with(opened.context, work) : work()
  }

  /** Ends every span with the transaction: committed, or failed with its error. */
  endWith<T>(transaction: Promise<T>): Promise<T> {
    return transaction.then((value) => {
      this.end()
      return value
    }, (error: unknown) => {
      this.end(error)
      throw error
    })
  }

  private end(error?: unknown) {
    for (const { span } of this.open.values()) {
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error))
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
      }
      span.end()
    }
    this.open.clear()
  }
}

/** The spans of a batch's messages, when tracing is on; asked once per attempt. */
export const processSpans = (queue: string, kind: Transport['kind']): ProcessSpans | undefined =>
  tracingOn() ? new ProcessSpans(queue, systemOf(kind)) : undefined
