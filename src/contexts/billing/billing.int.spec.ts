import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { testAdminPassword, testDefaults } from '../../../test/support/visitor.ts'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../messaging/message.ts'
import { OrderAccepted, OrderAcceptedAtEdge, OrderCancelled } from '../ordering/messages.ts'
import { billingEndpoint } from './endpoint.ts'
import { billing } from './index.ts'
import { onOrderAcceptedAtEdge } from './handlers/order-accepted-at-edge.handler.ts'
import { onOrderAccepted } from './handlers/order-accepted.handler.ts'
import { PaymentCaptured, PaymentRefunded } from './messages.ts'

const staff = { authorization: `Basic ${Buffer.from(`admin:${testAdminPassword}`).toString('base64')}` }
import type { PaymentProvider } from './provider.ts'

const where = { movieTitle: 'Top Gun: Maverick', theaterName: 'Breda', startsAt: '2026-12-01T19:30:00.000Z' }
const anOrder = (totalCents = 2900) => ({ orderId: randomUUID(), showtimeId: 'top-gun-breda-1', tickets: 2, totalCents, email: 'pete@example.com' })
type Order = ReturnType<typeof anOrder>
const atEdge = (order: Order): DataOf<typeof OrderAcceptedAtEdge> => order
const accepted = (order: Order): DataOf<typeof OrderAccepted> => ({ ...order, ...where })
const cancelled = (order: Order): DataOf<typeof OrderCancelled> => ({
  orderId: order.orderId, showtimeId: order.showtimeId, reason: 'oversold', tickets: order.tickets, refundCents: order.totalCents,
  email: order.email, ...where, alternative: null,
})

for (const shape of shapes) {
  describe(`billing on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance
    let captures: DataOf<typeof PaymentCaptured>[]
    let refunds: DataOf<typeof PaymentRefunded>[]
    const publish = <D extends typeof OrderAcceptedAtEdge | typeof OrderAccepted | typeof OrderCancelled>(definition: D, data: DataOf<D>) =>
      bus.session('ordering').publish(definition, data)
    const status = async (orderId: string) =>
      (await world.db.query<{ status: string }>('select status from billing.payments where order_id = $1', [orderId])).rows[0]?.status
    /** Waits until billing's endpoint has handled this many messages in all: what comes after can no longer change. */
    const billingHandled = (count: number) => eventually(async () =>
      assert.equal((await world.db.query<{ n: number }>(`select count(*)::int as n from messaging.inbox where queue = 'billing'`)).rows[0]!.n, count))
    const operations = async (orderId: string) =>
      (await world.db.query<{ kind: string; amount_cents: number }>('select kind, amount_cents from billing.provider_operations where order_id = $1 order by kind', [orderId])).rows

    beforeEach(async () => {
      captures = []
      refunds = []
      world = await shape.create([billing.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(billing.messages), logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 16 })
      await bus.start(billingEndpoint)
      await bus.start(defineEndpoint({
        name: 'observer',
        handlers: [handle(PaymentCaptured, (m) => void captures.push(m)), handle(PaymentRefunded, (m) => void refunds.push(m))],
      }))
      app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [billing], logger: testLogger, maxBodyBytes: 4096, describe: () => ({}), config: loadConfig(testDefaults) })
    })
    afterEach(async () => {
      await app.close()
      await bus.stop()
      await world.destroy()
    })

    test('an order is charged once, whether it is accepted at the edge, by the writer, or both, twice over', async () => {
      const order = anOrder()
      await publish(OrderAcceptedAtEdge, atEdge(order))
      await publish(OrderAccepted, accepted(order))
      await publish(OrderAcceptedAtEdge, atEdge(order))
      const onlyByWriter = anOrder(1450)
      await publish(OrderAccepted, accepted(onlyByWriter))

      await billingHandled(4)
      await eventually(() => assert.equal(captures.length, 2))
      assert.deepEqual(await operations(order.orderId), [{ kind: 'capture', amount_cents: 2900 }])
      assert.deepEqual(captures.map((c) => [c.orderId, c.amountCents]).sort(), [[order.orderId, 2900], [onlyByWriter.orderId, 1450]].sort())
      assert.equal(await status(order.orderId), 'captured')
    })

    test('a free order is not charged', async () => {
      const free = anOrder(0)
      await publish(OrderAccepted, accepted(free))
      await publish(OrderCancelled, cancelled(free))
      await billingHandled(2)
      assert.equal(captures.length, 0)
      assert.equal(await status(free.orderId), undefined)
      assert.equal((await app.inject({ headers: staff, url: `/api/admin/billing/payments/${free.orderId}` })).statusCode, 404)
    })

    test('a cancelled order is refunded the full amount captured, once, however often the cancellation comes', async () => {
      const order = anOrder()
      await publish(OrderAcceptedAtEdge, atEdge(order))
      await eventually(async () => assert.equal(await status(order.orderId), 'captured'))
      await Promise.all([publish(OrderCancelled, cancelled(order)), publish(OrderCancelled, cancelled(order))])

      await publish(OrderCancelled, cancelled(order))
      await billingHandled(4)
      await eventually(() => assert.equal(refunds.length + captures.length, 2))
      assert.deepEqual(refunds[0], { paymentId: captures[0]!.paymentId, orderId: order.orderId, showtimeId: order.showtimeId, amountCents: 2900, reason: 'oversold' })
      assert.deepEqual(await operations(order.orderId), [{ kind: 'capture', amount_cents: 2900 }, { kind: 'refund', amount_cents: 2900 }])

      const response = await app.inject({ headers: staff, url: `/api/admin/billing/payments/${order.orderId}` })
      assert.equal(response.statusCode, 200)
      const payment = response.json()
      assert.equal(payment.status, 'refunded')
      assert.equal(payment.amountCents, 2900)
      assert.deepEqual(payment.operations.map((o: { kind: string }) => o.kind), ['capture', 'refund'])
    })

    test('a cancellation that overtakes the capture waits for it: then refunded, once, and never charged after', async () => {
      const order = anOrder()
      await publish(OrderCancelled, cancelled(order))
      await eventually(async () => assert.equal(await status(order.orderId), 'refund-owed'))
      assert.deepEqual(await operations(order.orderId), [], 'nothing to refund yet')
      assert.equal((await app.inject({ headers: staff, url: `/api/admin/billing/payments/${order.orderId}` })).json().status, 'refund-owed')

      await publish(OrderAcceptedAtEdge, atEdge(order))
      await eventually(() => assert.equal(refunds.length, 1))
      await publish(OrderAccepted, accepted(order))
      await publish(OrderAcceptedAtEdge, atEdge(order))
      await publish(OrderCancelled, cancelled(order))
      await billingHandled(5)

      assert.equal(await status(order.orderId), 'refunded')
      assert.deepEqual(await operations(order.orderId), [{ kind: 'capture', amount_cents: 2900 }, { kind: 'refund', amount_cents: 2900 }])
      await eventually(() => assert.equal(captures.length, 1))
      assert.equal(refunds.length, 1)
    })

    test('captures and cancellations of many orders, all at once and in any order: each ends refunded exactly once', async () => {
      const orders = Array.from({ length: 30 }, () => anOrder())
      await Promise.all(orders.flatMap((order, i) => i % 2
        ? [publish(OrderCancelled, cancelled(order)), publish(OrderAcceptedAtEdge, atEdge(order)), publish(OrderAccepted, accepted(order))]
        : [publish(OrderAcceptedAtEdge, atEdge(order)), publish(OrderAccepted, accepted(order)), publish(OrderCancelled, cancelled(order))]))

      await billingHandled(90)
      await eventually(() => assert.equal(refunds.length, 30), { what: 'every order refunded' })
      const counts = (await world.db.query<{ kind: string; n: number; orders: number }>(
        'select kind, count(*)::int as n, count(distinct order_id)::int as orders from billing.provider_operations group by kind order by kind')).rows
      assert.deepEqual(counts, [{ kind: 'capture', n: 30, orders: 30 }, { kind: 'refund', n: 30, orders: 30 }])
      assert.equal(new Set(refunds.map((r) => r.orderId)).size, 30)
      await eventually(() => assert.equal(captures.length, 30))
    })

    test('orders accepted together are settled together: each charged once, one twice in the batch too, one owed a refund refunded', async () => {
      const orders = Array.from({ length: 12 }, () => anOrder())
      const [twice, owed] = orders
      await publish(OrderCancelled, cancelled(owed!))
      await billingHandled(1)
      // One transaction's events to one queue travel as one bundle, and are handled as one batch.
      await bus.session('ordering').transaction(async (_, out) => {
        for (const order of orders) out.publish(OrderAccepted, accepted(order))
        out.publish(OrderAccepted, accepted(twice!))
      })

      await billingHandled(14)
      await eventually(() => assert.equal(captures.length, 12))
      const counts = (await world.db.query<{ kind: string; n: number; orders: number }>(
        'select kind, count(*)::int as n, count(distinct order_id)::int as orders from billing.provider_operations group by kind order by kind')).rows
      assert.deepEqual(counts, [{ kind: 'capture', n: 12, orders: 12 }, { kind: 'refund', n: 1, orders: 1 }])
      assert.deepEqual(new Set(await Promise.all(orders.slice(1).map((o) => status(o.orderId)))), new Set(['captured', 'refunded']))
      assert.equal(await status(owed!.orderId), 'refunded')
      assert.equal(await status(twice!.orderId), 'captured')
      await eventually(() => assert.deepEqual(refunds.map((r) => r.orderId), [owed!.orderId]))
    })

    test('a payment is for staff: without the admin password the API refuses, whoever has the order id', async () => {
      const response = await app.inject({ url: `/api/admin/billing/payments/${randomUUID()}` })
      assert.equal(response.statusCode, 401)
      assert.equal((await app.inject({ url: `/api/billing/payments/${randomUUID()}` })).statusCode, 404, 'the old open address is gone')
    })

    test('bad input to the payments API gets a clear error', async () => {
      const response = await app.inject({ headers: staff, url: '/api/admin/billing/payments/not-an-id' })
      assert.equal(response.statusCode, 400)
      assert.match(response.json().error.message, /uuid/)
    })
  })

  describe(`billing with a provider outside the transaction, as a real one is, on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    beforeEach(async () => {
      world = await shape.create([billing.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(billing.messages), logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 16 })
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('a handler retried after the provider charged (its answer lost on the way back) charges once: the payment id is the idempotency key', async () => {
      // The provider keeps every charge, keyed by the payment id it is given; its first answer for each order never
      // arrives, so the handler fails after the money moved and is retried.
      const charged = new Map<string, { orderId: string; amountCents: number }>()
      const lost = new Set<string>()
      const psp = (): PaymentProvider => {
        const capture = async ({ paymentId, orderId, amountCents }: { paymentId: string; orderId: string; amountCents: number }) => {
          if (!charged.has(paymentId)) charged.set(paymentId, { orderId, amountCents })
          if (!lost.has(orderId)) {
            lost.add(orderId)
            throw new Error('the provider\'s answer was lost')
          }
          return { reference: `psp_${paymentId}` }
        }
        return { capture, refund: async () => ({ reference: 'unused' }), captureAll: (requests) => Promise.all(requests.map(capture)) }
      }
      await bus.start(defineEndpoint({ name: 'billing', handlers: [onOrderAccepted(psp), onOrderAcceptedAtEdge(psp)] }))
      const byWriter = anOrder(2900)
      const atTheEdge = anOrder(1450)
      await bus.session('ordering').publish(OrderAccepted, accepted(byWriter))
      await bus.session('ordering').publish(OrderAcceptedAtEdge, atEdge(atTheEdge))

      await eventually(async () => assert.equal((await world.db.query(
        `select 1 from billing.payments where status = 'captured' and order_id = any($1::uuid[])`, [[byWriter.orderId, atTheEdge.orderId]])).rowCount, 2))
      assert.deepEqual(new Set(lost), new Set([byWriter.orderId, atTheEdge.orderId]), 'each handler failed once after the charge')
      assert.deepEqual([...charged.values()].sort((a, b) => a.amountCents - b.amountCents),
        [{ orderId: atTheEdge.orderId, amountCents: 1450 }, { orderId: byWriter.orderId, amountCents: 2900 }])
    })
  })
}
