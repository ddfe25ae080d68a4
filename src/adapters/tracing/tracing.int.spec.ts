import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper } from '../../../test/support/shoppers.ts'
import { ordering } from '../../contexts/ordering/index.ts'
import { traceparentOf } from '../../messaging/tracing.ts'

// The whole test process traces into memory, as an SDK started by the composition root would into a collector.
const exporter = new InMemorySpanExporter()
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register()

const spans = () => exporter.getFinishedSpans()
const idOf = (span: ReadableSpan) => span.spanContext().spanId
const childrenOf = (parent: ReadableSpan, all = spans()) => all.filter((span) => span.parentSpanContext?.spanId === idOf(parent))
const one = (found: readonly ReadableSpan[], what: string): ReadableSpan => {
  assert.equal(found.length, 1, `one ${what}, not ${found.length}: ${found.map((s) => s.name).join(', ')}`)
  return found[0]!
}

for (const shape of shapes) {
  describe(`tracing on ${shape.name}`, () => {
    let node: PopcornNode

    before(async () => {
      node = await startPopcornNode(shape, [ordering])
      await node.schedule(showtime('traced-1'))
      await eventually(async () => assert.ok((await fetch(`${node.url}/api/showtimes/traced-1/seats`)).ok, 'the showtime is open'), { what: 'the showtime' })
    })
    after(() => node?.stop())

    test('an HTTP request is a server span, a child of the caller\'s traceparent', async () => {
      const traceId = randomBytes(16).toString('hex')
      const callerSpan = randomBytes(8).toString('hex')
      const answer = await fetch(`${node.url}/api/showtimes/traced-1/seats?fresh=1`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } })
      assert.equal(answer.status, 200)
      const server = await eventually(() => one(spans().filter((s) => s.spanContext().traceId === traceId), 'span of the request'), { what: 'the request\'s span' })
      assert.equal(server.name, 'GET /api/showtimes/:showtimeId/seats')
      assert.equal(server.kind, SpanKind.SERVER)
      assert.equal(server.parentSpanContext?.spanId, callerSpan)
      assert.deepEqual(
        [server.attributes['http.request.method'], server.attributes['http.route'], server.attributes['url.path'], server.attributes['http.response.status_code']],
        ['GET', '/api/showtimes/:showtimeId/seats', '/api/showtimes/traced-1/seats', 200],
      )
    })

    test('one order, from the socket to the push: one trace, each span the child of the one before', async () => {
      const browser = shopper()
      const socket = await browser.connect(node.url)
      const pushed: { orderId: string; traceparent?: string }[] = []
      socket.socket.on('order:outcome', (outcome: { orderId: string; traceparent?: string }) => pushed.push(outcome))
      // The page may send its own trace context along: the socket event's span continues it.
      const traceId = randomBytes(16).toString('hex')
      const pageSpan = randomBytes(8).toString('hex')
      const orderId = randomUUID()
      const answer = await socket.socket.timeout(30_000).emitWithAck('order:submit', { orderId, showtimeId: 'traced-1', tickets: 2, email: 'ada@example.com', traceparent: `00-${traceId}-${pageSpan}-01` })
      assert.equal(answer.ok, true)
      const outcome = await eventually(() => {
        const mine = pushed.find((o) => o.orderId === orderId)
        assert.ok(mine, 'the outcome was pushed')
        return mine
      }, { what: 'the pushed outcome' })

      const inTrace = () => spans().filter((span) => span.spanContext().traceId === traceId)
      // The web node's process span ends when its transaction commits, just after the push: waited for, never timed.
      await eventually(() => assert.ok(inTrace().some((s) => s.name.startsWith('process web.')), 'the web node\'s process span ended'), { what: 'every span' })
      const all = inTrace()

      const received = one(all.filter((s) => s.name === 'order:submit receive'), 'socket receive span')
      assert.equal(received.parentSpanContext?.spanId, pageSpan)

      const submitted = one(childrenOf(received, all).filter((s) => s.kind === SpanKind.PRODUCER), 'producer span of SubmitOrder')
      assert.match(submitted.name, /^send ordering/)
      assert.equal(submitted.attributes['messaging.message.id'], orderId)
      assert.equal(submitted.attributes['messaging.message.conversation_id'], orderId)
      assert.equal(submitted.attributes['messaging.operation.type'], 'send')
      assert.equal(submitted.attributes['messaging.system'], node.world.transport.kind === 'rabbitmq' ? 'rabbitmq' : 'popcorn_db_queue')

      const decided = one(childrenOf(submitted, all), 'process span of SubmitOrder')
      assert.equal(decided.kind, SpanKind.CONSUMER)
      assert.equal(decided.name, `process ${submitted.attributes['messaging.destination.name']}`)
      assert.equal(decided.attributes['messaging.operation.type'], 'process')
      assert.equal(decided.attributes['messaging.message.id'], orderId)
      assert.deepEqual(decided.links.map((link) => link.context.spanId), [idOf(submitted)], 'linked to the send')

      const replied = one(childrenOf(decided, all).filter((s) => s.name.startsWith('send web.')), 'producer span of the outcome')
      assert.equal(replied.kind, SpanKind.PRODUCER)
      assert.equal(replied.attributes['messaging.operation.name'], 'reply')
      assert.equal(replied.attributes['messaging.message.conversation_id'], orderId)

      const delivered = one(childrenOf(replied, all), 'process span at the web node')
      assert.equal(delivered.name, `process ${replied.attributes['messaging.destination.name']}`)
      assert.deepEqual(delivered.links.map((link) => link.context.spanId), [idOf(replied)], 'linked to the reply')

      const push = one(childrenOf(delivered, all).filter((s) => s.name === 'order:outcome send'), 'push span')
      assert.equal(push.kind, SpanKind.PRODUCER)
      assert.equal(outcome.traceparent, traceparentOf(push.spanContext()), 'the pushed outcome carries the push span\'s context')

      // The page's other events are spans too: its receipt, and asking again for what it waits for.
      assert.deepEqual(await socket.socket.emitWithAck('order:seen', { orderId, traceparent: `00-${traceId}-${pageSpan}-01` }), { ok: true, counted: true })
      await socket.socket.emitWithAck('orders:resume', { orderIds: [orderId] })
      await eventually(() => {
        const names = spans().map((s) => s.name)
        assert.ok(names.includes('order:seen receive') && names.includes('orders:resume receive'), `the receipt's and the resume's spans (${names.length} spans)`)
      }, { what: 'the other events\' spans' })
      browser.close()
    })

    test('a malformed traceparent in the payload is refused like any bad field, and nothing is sent', async () => {
      const browser = shopper()
      const socket = await browser.connect(node.url)
      const answer = await socket.submit({ showtimeId: 'traced-1', tickets: 1, email: 'bob@example.com', traceparent: 'not-a-trace' } as never)
      assert.equal(answer.ok, false)
      assert.equal(answer.error?.code, 'BAD_REQUEST')
      assert.match(answer.error?.message ?? '', /traceparent/)
      browser.close()
    })
  })
}
