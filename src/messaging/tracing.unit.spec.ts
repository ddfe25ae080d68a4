import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import { z } from 'zod'
import { firstHeaders } from './envelope.ts'
import { defineReply } from './message.ts'
import { OutgoingBuffer } from './outgoing.ts'
import { contextOf, ProcessSpans, sendTraceHere, spanContextOf, traceparentOf, tracingOn } from './tracing.ts'

const OrderResult = defineReply('t.OrderResult', z.object({ ok: z.boolean() }))
const now = new Date('2026-11-23T09:00:00Z')
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
const spanId = '00f067aa0ba902b7'

describe('traceparent and span context', () => {
  test('a traceparent names a remote span context, and is written back the same', () => {
    const span = spanContextOf(`00-${traceId}-${spanId}-01`)
    assert.deepEqual(span, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
    assert.equal(traceparentOf(span!), `00-${traceId}-${spanId}-01`)
    assert.equal(traceparentOf({ traceId, spanId, traceFlags: TraceFlags.NONE }), `00-${traceId}-${spanId}-00`)
  })

  test('a malformed traceparent, or one with an all-zero id, names nothing', () => {
    for (const bad of ['', 'nonsense', `01-${traceId}-${spanId}-01`, `00-${traceId.toUpperCase()}-${spanId}-01`, `00-${'0'.repeat(32)}-${spanId}-01`, `00-${traceId}-${'0'.repeat(16)}-01`, `00-${traceId}-${spanId}-01-extra`]) {
      assert.equal(spanContextOf(bad), undefined, bad)
    }
    const base = context.active()
    assert.equal(contextOf('nonsense', base), base)
    assert.equal(contextOf(undefined, base), base)
    assert.equal(trace.getSpanContext(contextOf(`00-${traceId}-${spanId}-01`))?.spanId, spanId)
  })
})

describe('tracing off, then on', () => {
  const cause = firstHeaders('t.SubmitOrder', 'send', now, { replyTo: 'web.b' })

  test('off (no SDK): nothing is traced, and a message caused by another carries its trace id in a fresh traceparent', () => {
    assert.equal(tracingOn(), false)
    assert.equal(sendTraceHere('db'), undefined)
    const out = new OutgoingBuffer({ maxBodyBytes: 100 }, now, { endpoint: 'ordering' }, cause)
    const headers = out.add(OrderResult, { ok: true }, 'reply')
    assert.match(headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    assert.equal(headers.traceparent.split('-')[1], cause.traceparent.split('-')[1])
    assert.notEqual(headers.traceparent, cause.traceparent)
  })

  test('on: a process span is the child of the producer span and linked to it; what its handler sends is its child, and its traceparent that span\'s', async () => {
    const exporter = new InMemorySpanExporter()
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register()
    assert.equal(tracingOn(), true)

    const spans = new ProcessSpans('ordering', 'popcorn_db_queue')
    const sendTrace = spans.start(cause)
    const out = new OutgoingBuffer({ maxBodyBytes: 100 }, now, { endpoint: 'ordering' }, cause, undefined, sendTrace)
    const headers = spans.within(cause, () => out.add(OrderResult, { ok: true }, 'reply'))
    await spans.endWith(Promise.resolve())

    const [producer, processed] = exporter.getFinishedSpans()
    assert.equal(producer?.name, 'send web.b')
    assert.equal(producer.kind, SpanKind.PRODUCER)
    assert.equal(processed?.name, 'process ordering')
    assert.equal(processed.kind, SpanKind.CONSUMER)
    const [, causeTrace, causeSpan] = cause.traceparent.split('-')
    assert.equal(processed.spanContext().traceId, causeTrace)
    assert.equal(processed.parentSpanContext?.spanId, causeSpan)
    assert.deepEqual(processed.links.map((link) => link.context.spanId), [causeSpan])
    assert.equal(producer.parentSpanContext?.spanId, processed.spanContext().spanId)
    assert.equal(headers.traceparent, traceparentOf(producer.spanContext()))
    assert.equal(out.messages[0]!.message.headers.traceparent, headers.traceparent)
    assert.deepEqual(producer.attributes, {
      'messaging.system': 'popcorn_db_queue', 'messaging.operation.type': 'send', 'messaging.operation.name': 'reply',
      'messaging.destination.name': 'web.b', 'messaging.message.id': headers.messageId, 'messaging.message.conversation_id': cause.correlationId,
      'popcorn.message.type': 't.OrderResult',
    })
  })
})
