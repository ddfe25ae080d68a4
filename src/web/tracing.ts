import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { traceparentSchema } from '../messaging/envelope.ts'
import { contextOf, tracer, traceparentOf, tracingOn } from '../messaging/tracing.ts'

/**
 * Spans at the web's edges, by OpenTelemetry's conventions: a server span per HTTP request, one per socket event a
 * browser sends, and a producer span per push to a browser. Each checks `tracingOn()` once and does nothing more when off.
 */

const requests = new WeakMap<FastifyRequest, { readonly span: Span; readonly context: Context }>()

/**
 * A server span per request (`GET /api/orders/:orderId`), a child of the caller's `traceparent` header when it sent
 * one; each route's handler runs within it, so what it sends is sent within it. Register before any route.
 */
export const registerHttpTracing = (app: FastifyInstance) => {
  app.addHook('onRequest', (request, _reply, done) => {
    if (tracingOn()) {
      const route = request.routeOptions.url
      const parent = propagation.extract(ROOT_CONTEXT, request.headers)
      const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          'url.scheme': request.protocol,
          ...(route && { 'http.route': route }),
        },
      }, parent)
      requests.set(request, { span, context: trace.setSpan(parent, span) })
    }
    done()
  })
  app.addHook('onRoute', (route) => {
    const handler = route.handler
    route.handler = function (request, reply) {
      const traced = requests.get(request)
      return traced ? context.with(traced.context, () => handler.call(this, request, reply)) : handler.call(this, request, reply)
    }
  })
  app.addHook('onError', (request, _reply, error, done) => {
    requests.get(request)?.span.recordException(error)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    const traced = requests.get(request)
    if (traced) {
      traced.span.setAttribute('http.response.status_code', reply.statusCode)
      if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR })
      traced.span.end()
      requests.delete(request)
    }
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    requests.get(request)?.span.end()
    requests.delete(request)
    done()
  })
}

/** The optional `traceparent` a browser may put in a socket event's payload; a malformed one is no parent. */
const traceparentIn = (payload: unknown): string | undefined => {
  if (typeof payload !== 'object' || payload === null || !('traceparent' in payload)) return undefined
  const parsed = traceparentSchema.safeParse(payload.traceparent)
  return parsed.success ? parsed.data : undefined
}

/**
 * A consumer span for a socket event a browser sent (`order:submit receive`), a child of the payload's `traceparent`
 * when it carries one; `work` runs within it, so what it sends is sent within it.
 */
export const traceSocketEvent = async <T>(event: string, payload: unknown, work: () => Promise<T>): Promise<T> => {
  if (!tracingOn()) return work()
  const parent = contextOf(traceparentIn(payload))
  const span = tracer.startSpan(`${event} receive`, {
    kind: SpanKind.CONSUMER,
    attributes: { 'messaging.system': 'socket.io', 'messaging.operation.type': 'receive', 'messaging.destination.name': event },
  }, parent)
  try {
    return await context.with(trace.setSpan(parent, span), work)
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error))
    span.setStatus({ code: SpanStatusCode.ERROR })
    throw error
  } finally {
    span.end()
  }
}

/**
 * A producer span for a push to a browser (`order:outcome send`), within the active span (the process span of the
 * message that caused it); an object pushed carries its `traceparent`, so the page can continue the trace.
 */
export const tracePush = (event: string, data: unknown): unknown => {
  if (!tracingOn()) return data
  const span = tracer.startSpan(`${event} send`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'socket.io', 'messaging.operation.type': 'send', 'messaging.destination.name': event },
  })
  span.end()
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data, traceparent: traceparentOf(span.spanContext()) } : data
}
