import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { z } from 'zod'
import { testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor } from '../../../test/support/visitor.ts'
import { ops } from './index.ts'
import { ordering } from '../ordering/index.ts'
import type { Conversation, ConversationMessage } from '../../messaging/conversation.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand, defineEvent } from '../../messaging/message.ts'
import { saga } from '../../messaging/saga.ts'
import type { SagaInstance } from '../../messaging/saga-instances.ts'

const Admit = defineCommand('test.Admit', 'box-office', z.object({ guest: z.string() }))
const Admitted = defineEvent('test.Admitted', z.object({ guest: z.string() }))
const Seat = defineCommand('test.Seat', 'seating', z.object({ guest: z.string() }))

/** The seating of a guest: correlated by the guest, not by the conversation, and waiting an hour to release the seat. */
const seating = saga('test-seating', z.object({ guest: z.string(), seated: z.boolean() }))
const seatingSaga = seating.define({
  steps: [seating.step(Seat, {
    starts: true,
    correlate: ({ guest }) => guest,
    handle: (_, { guest }, ctx) => {
      ctx.requestTimeout(new Date(ctx.now.getTime() + 3_600_000), 'release')
      return { guest, seated: true }
    },
  })],
  timeouts: { release: (state) => state },
})

/** The cashier's own failure, so that its copy of the event fails into the error queue at once. */
const tillIsJammed = () => {
  throw new Error('the till is jammed')
}

const shape = (m: ConversationMessage) =>
  [m.type, m.intent, m.sentBy, m.endpoint, m.status, m.depth]

for (const world of shapes) {
  describe(`a conversation by correlation id on ${world.name}`, () => {
    let node: PopcornNode
    const staff = () => admin(node.url)
    const lookUp = async (correlationId: string) => staff().call('GET', `/api/ops/conversations/${encodeURIComponent(correlationId)}`)
    /** Admits a guest in a conversation of its own; returns its correlation id. */
    const admit = async (guest: string) => {
      const correlationId = `visit-${randomUUID()}`
      await node.bus.session('web').send(Admit, { guest }, { correlationId })
      return correlationId
    }
    /** The conversation once it holds every message of the flow: five, the saga's timeout waiting last. */
    const settled = async (correlationId: string) => eventually(async () => {
      const answer = await lookUp(correlationId)
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      const found = answer.body as Conversation
      assert.equal(found.messages.length, 5, `not yet all five: ${JSON.stringify(found.messages.map(shape))}`)
      assert.equal(found.sagas[0]?.pendingTimeouts.length, 1, `the saga's timeout not yet pending: ${JSON.stringify(found.sagas)}`)
      return found
    }, { what: `the conversation ${correlationId} complete` })

    before(async () => {
      node = await startPopcornNode(world, [ordering, ops], {}, {
        messages: [Admit, Admitted, Seat], migrations: [testMigrations], recoverability: { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 },
      })
      await node.bus.start(defineEndpoint({ name: 'box-office', handlers: [handle(Admit, ({ guest }, ctx) => ctx.publish(Admitted, { guest }))] }))
      await node.bus.start(defineEndpoint({ name: 'usher', handlers: [handle(Admitted, ({ guest }, ctx) => ctx.send(Seat, { guest }))] }))
      await node.bus.start(defineEndpoint({ name: 'cashier', handlers: [handle(Admitted, () => tillIsJammed())] }))
      await node.bus.start(defineEndpoint({ name: 'seating', sagas: [seatingSaga] }))
    })
    after(async () => node?.stop())

    test('every message of a flow in causal order, with sender, receiver and timings; the saga it touched with its pending timeout', async () => {
      const guest = `guest-${randomUUID()}`
      const correlationId = await admit(guest)
      const other = await admit(`guest-${randomUUID()}`)
      const found = await settled(correlationId)

      assert.equal(found.correlationId, correlationId)
      assert.deepEqual(found.messages.map(shape), [
        ['test.Admit', 'send', 'web', 'box-office', 'handled', 0],
        ['test.Admitted', 'publish', 'box-office', 'cashier', 'failed', 1],
        ['test.Admitted', 'publish', 'box-office', 'usher', 'handled', 1],
        ['test.Seat', 'send', 'usher', 'seating', 'handled', 2],
        ['messaging.SagaTimeout', 'timeout', 'seating', 'seating', 'waiting', 3],
      ])
      const [admitted, failedCopy, handledCopy, seat, timeout] = found.messages as [ConversationMessage, ConversationMessage, ConversationMessage, ConversationMessage, ConversationMessage]
      assert.equal(admitted.causationId, null, 'the first message has no cause')
      assert.equal(failedCopy.messageId, handledCopy.messageId, 'one event, a copy per subscriber')
      assert.equal(handledCopy.causationId, admitted.messageId)
      assert.equal(seat.causationId, handledCopy.messageId)
      assert.equal(timeout.causationId, seat.messageId)
      for (const m of [admitted, handledCopy, seat]) {
        assert.ok(m.sentAt && m.handledAt && typeof m.waitMs === 'number', `sent, handled and how long it waited: ${JSON.stringify(m)}`)
        assert.equal(m.queue, m.endpoint)
      }
      assert.equal(failedCopy.failure?.reason, 'the till is jammed')
      assert.equal(failedCopy.failure?.resolution, 'unresolved')
      assert.equal(failedCopy.handledAt, null)
      assert.ok(timeout.dueAt, 'a timeout waits for its time')
      assert.deepEqual(timeout.saga, { name: 'test-seating', id: guest })

      assert.equal(found.sagas.length, 1, JSON.stringify(found.sagas))
      const [touched] = found.sagas as [SagaInstance]
      assert.deepEqual([touched.saga, touched.correlationId, touched.state, touched.version], ['test-seating', guest, { guest, seated: true }, 1])
      assert.deepEqual(touched.pendingTimeouts.map((t) => [t.messageId, t.name, t.dueAt, t.queue]), [[timeout.messageId, 'release', timeout.dueAt, 'seating']])

      const otherFound = await settled(other)
      const mine = new Set(found.messages.map((m) => m.messageId))
      assert.ok(otherFound.messages.every((m) => !mine.has(m.messageId)), 'another conversation shares none of its messages')
      assert.notEqual(otherFound.sagas[0]?.correlationId, guest, 'nor its saga')
    })

    test('the sagas, by name and by whether a timeout is pending, paged', async () => {
      const guests = [`guest-${randomUUID()}`, `guest-${randomUUID()}`]
      for (const guest of guests) await settled(await admit(guest))
      const list = async (query: string) => {
        const answer = await staff().call('GET', `/api/ops/sagas${query}`)
        assert.equal(answer.status, 200, JSON.stringify(answer.body))
        return answer.body as { total: number; limit: number; offset: number; sagas: SagaInstance[] }
      }
      const all = await list('?saga=test-seating&pendingTimeouts=true')
      assert.ok(all.total >= 2, `at least the two: ${all.total}`)
      assert.ok(all.sagas.every((s) => s.saga === 'test-seating' && s.pendingTimeouts.length === 1), JSON.stringify(all.sagas))
      const firstPage = await list('?saga=test-seating&limit=1')
      const secondPage = await list('?saga=test-seating&limit=1&offset=1')
      assert.deepEqual([firstPage.sagas.length, secondPage.sagas.length, firstPage.total], [1, 1, all.total])
      assert.notEqual(firstPage.sagas[0]?.correlationId, secondPage.sagas[0]?.correlationId)
      assert.deepEqual((await list('?saga=no-such-saga')).sagas, [])
      for (const bad of ['?limit=0', '?limit=abc', '?pendingTimeouts=yes', '?color=red']) {
        assert.equal((await staff().call('GET', `/api/ops/sagas${bad}`)).status, 400, bad)
      }
    })

    test('an order: SubmitOrder from the web node, handled by the writer, what it caused after it', async () => {
      await node.schedule(showtime('dune-conversation', { capacity: 10 }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/dune-conversation/seats`)).status, 200, 'the showtime open for orders'))
      const ada = visitor(node.url)
      await ada.call('GET', '/api/form-token')
      const placed = await ada.order({ showtimeId: 'dune-conversation', tickets: 2, email: 'ada@example.com' })
      assert.equal(placed.status, 202, JSON.stringify(placed.body))
      const { orderId } = placed.body as { orderId: string }
      // The answer pushed to the browser is not among them once pushed: a web node's inbox is in memory (inbox.ts).
      const found = await eventually(async () => {
        const answer = await lookUp(orderId)
        assert.equal(answer.status, 200, JSON.stringify(answer.body))
        const conversation = answer.body as Conversation
        assert.ok(conversation.messages.some((m) => m.type === 'ordering.SubmitOrder' && m.status === 'handled'), `the order not yet decided: ${JSON.stringify(conversation.messages.map(shape))}`)
        return conversation
      }, { what: `the order ${orderId}'s conversation` })
      const [submit, ...caused] = found.messages
      assert.deepEqual([submit?.messageId, submit?.type, submit?.sentBy, submit?.endpoint, submit?.status, submit?.depth], [orderId, 'ordering.SubmitOrder', 'web', 'ordering', 'handled', 0])
      assert.match(submit?.queue ?? '', /^ordering(\.p\d+)?$/, 'ordering’s queue, or its showing’s partition')
      assert.ok(caused.every((m) => m.depth > 0 && m.sentBy === 'ordering'), JSON.stringify(caused.map(shape)))
    })

    test('nothing known is a 404; a bad id is a 400; nobody but an admin is answered', async () => {
      const unknown = await lookUp(`never-${randomUUID()}`)
      assert.equal(unknown.status, 404)
      assert.equal(unknown.body.error?.code, 'NOT_FOUND', JSON.stringify(unknown.body))
      assert.equal((await lookUp('x'.repeat(201))).status, 400)
      assert.equal((await lookUp(' ')).status, 400)
      const correlationId = await admit(`guest-${randomUUID()}`)
      await settled(correlationId)
      assert.equal((await visitor(node.url).call('GET', `/api/ops/conversations/${correlationId}`)).status, 401, 'a stranger')
      assert.equal((await admin(node.url, 'not-the-password').call('GET', `/api/ops/conversations/${correlationId}`)).status, 401, 'a wrong password')
      assert.equal((await visitor(node.url).call('GET', '/api/ops/sagas')).status, 401, 'the sagas too')
    })
  })
}
