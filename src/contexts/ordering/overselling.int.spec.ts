import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { admin, testDefaults } from '../../../test/support/visitor.ts'
import { loadConfig } from '../../config.ts'
import { shopper, type Shopper } from '../../../test/support/shoppers.ts'
import { openTransport, shapes, type World } from '../../../test/support/shapes.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../messaging/message.ts'
import { SagaTimeout } from '../../messaging/saga.ts'
import type { Transport } from '../../messaging/transport.ts'
import { startWebNode } from '../../web/web-node.ts'
import { billingEndpoint } from '../billing/endpoint.ts'
import { billing } from '../billing/index.ts'
import { PaymentCaptured, PaymentRefunded } from '../billing/messages.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import { notificationsEndpoint } from '../notifications/endpoint.ts'
import { notifications } from '../notifications/index.ts'
import { opsEndpoint } from '../ops/endpoint.ts'
import { ops } from '../ops/index.ts'
import { orderingEndpoint } from './endpoint.ts'
import { ordering } from './index.ts'
import { OrderAcceptedAtEdge, OrderCancelled } from './messages.ts'

const contexts = [ordering, billing, notifications, ops]
const catalog = new MessageCatalog([...contexts.flatMap((c) => c.messages), ShowtimeScheduled, SagaTimeout])

const capacity = 20
const priceCents = 1450
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()
const showtime = (showtimeId: string, policy: 'strict' | 'optimistic', seats: number, startsAt: string, movieTitle = 'Top Gun: Maverick') => ({
  showtimeId, movieId: 'top-gun-maverick', theaterId: 'breda', movieTitle, theaterName: 'Breda', screen: 'Zaal 1',
  startsAt, capacity: seats, priceCents, ticketType: 'regular' as const, policy, drawingAt: null,
})
const hot = showtime('top-gun-hot', 'optimistic', capacity, inDays(10))
const later = showtime('top-gun-later', 'strict', 200, inDays(11))
const strict = showtime('dune-strict', 'strict', capacity, inDays(10), 'Dune: Part Two')

interface Answer { ok?: boolean; orderId: string; status: string; statusUrl: string; outcome?: { outcome: string; tickets: number; totalCents: number } }
interface OrderRow { order_id: string; showtime_id: string; status: string; accepted_at_edge: boolean; decided_at: Date | null }

/** A web node as a process runs it: its own bus (its own queue for replies), transport, HTTP server and sockets. */
const startNode = async (world: World, name: string) => {
  const transport: Transport = await openTransport(world.db, world.settings)
  const bus = createBus({ db: world.db, transport, catalog, logger: testLogger, instanceId: `${name}-${randomUUID().slice(0, 6)}` })
  const node = await startWebNode({ bus, db: world.db, contexts, logger: testLogger, listen: { port: 0, host: '127.0.0.1' }, maxBodyBytes: 65_536, describe: () => ({ name }), config: loadConfig(testDefaults) })
  return {
    url: node.url,
    async stop() {
      await node.stop()
      await bus.stop()
      await transport.close()
    },
  }
}

for (const shape of shapes) {
  describe(`overselling an optimistic showtime on ${shape.name}`, () => {
    let world: World
    let backEnd: Bus
    let nodes: Awaited<ReturnType<typeof startNode>>[]
    const shoppers: Shopper[] = []
    const seen = { atEdge: [] as DataOf<typeof OrderAcceptedAtEdge>[], cancelled: [] as DataOf<typeof OrderCancelled>[], captured: [] as DataOf<typeof PaymentCaptured>[], refunded: [] as DataOf<typeof PaymentRefunded>[] }

    before(async () => {
      world = await shape.create(contexts.map((c) => c.migrations!))
      backEnd = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: `worker-${randomUUID().slice(0, 6)}`, concurrency: 16 })
      for (const endpoint of [billingEndpoint, notificationsEndpoint, opsEndpoint]) await backEnd.start(endpoint)
      await backEnd.start(defineEndpoint({
        name: 'observer',
        handlers: [
          handle(OrderAcceptedAtEdge, (m) => void seen.atEdge.push(m)),
          handle(OrderCancelled, (m) => void seen.cancelled.push(m)),
          handle(PaymentCaptured, (m) => void seen.captured.push(m)),
          handle(PaymentRefunded, (m) => void seen.refunded.push(m)),
        ],
      }))

      // The writer opens the showtimes, then is away while the burst arrives — as when a burst outruns it.
      const opener = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: `opener-${randomUUID().slice(0, 6)}` })
      await opener.start(orderingEndpoint)
      for (const s of [hot, later, strict]) await opener.session('catalog').publish(ShowtimeScheduled, s)
      await eventually(async () => assert.equal((await world.db.query('select 1 from ordering.showtimes')).rowCount, 3), { timeoutMs: 60_000 })
      await opener.stop()

      nodes = [await startNode(world, 'web-a'), await startNode(world, 'web-b')]
    })
    after(async () => {
      for (const s of shoppers) s.close()
      for (const node of nodes ?? []) await node.stop()
      await backEnd.stop()
      await world.destroy()
    })

    const orders = async () => (await world.db.query<OrderRow>('select order_id, showtime_id, status, accepted_at_edge, decided_at from ordering.orders')).rows
    const answers: { node: 'a' | 'b'; showtimeId: string; answer: Answer; shopper: Shopper; pushed?: Map<string, { outcome: string }> }[] = []

    test('two web nodes, each on its own estimate, accept at the edge at once: together more tickets than there are seats', { timeout: 120_000 }, async () => {
      const [a, b] = nodes
      // Node a takes orders over the socket, node b over HTTP; twelve orders of 2 tickets each, all at once.
      const overSocket = async (showtimeId: string) => {
        const person = shopper()
        shoppers.push(person)
        const socket = await person.connect(a!.url)
        const answer = (await socket.submit({ showtimeId, tickets: 2, email: `a-${randomUUID().slice(0, 8)}@example.com` })) as unknown as Answer
        answers.push({ node: 'a', showtimeId, answer, shopper: person, pushed: socket.outcomes })
      }
      const overHttp = async (showtimeId: string) => {
        const person = shopper()
        const response = await fetch(`${b!.url}/api/orders`, {
          method: 'POST', headers: { cookie: await person.sessionCookie(b!.url), 'content-type': 'application/json' },
          body: JSON.stringify({ showtimeId, tickets: 2, email: `b-${randomUUID().slice(0, 8)}@example.com` }),
        })
        assert.equal(response.status, 202)
        answers.push({ node: 'b', showtimeId, answer: (await response.json()) as Answer, shopper: person })
      }
      await Promise.all([
        ...Array.from({ length: 12 }, () => overSocket(hot.showtimeId)),
        ...Array.from({ length: 12 }, () => overHttp(hot.showtimeId)),
        ...Array.from({ length: 3 }, () => overSocket(strict.showtimeId)),
        ...Array.from({ length: 3 }, () => overHttp(strict.showtimeId)),
      ])

      for (const node of ['a', 'b'] as const) {
        const mine = answers.filter((x) => x.node === node && x.showtimeId === hot.showtimeId)
        const accepted = mine.filter((x) => x.answer.status === 'accepted')
        assert.equal(accepted.length, 10, `node ${node}: its own estimate covers 20 seats, 10 orders of 2`)
        assert.equal(mine.filter((x) => x.answer.status === 'received').length, 2, `node ${node}: the rest go to the writer`)
        for (const { answer } of accepted) {
          assert.deepEqual(answer.outcome, { outcome: 'accepted', orderId: answer.orderId, showtimeId: hot.showtimeId, tickets: 2, totalCents: 2 * priceCents })
          assert.equal(answer.statusUrl, `/orders/${answer.orderId}`)
        }
      }
      const atEdge = (await orders()).filter((o) => o.accepted_at_edge)
      assert.equal(atEdge.length, 20)
      assert.ok(atEdge.length * 2 > capacity, 'more tickets accepted at the edge than there are seats')
      await eventually(() => assert.equal(seen.atEdge.length, 20), { what: 'OrderAcceptedAtEdge for each, for billing' })
      // The same order sent again (a double click, a retry) is the same order: promised, stored and charged once.
      const again = answers.find((x) => x.node === 'b' && x.answer.status === 'accepted')!
      const resent = await fetch(`${b!.url}/api/orders`, {
        method: 'POST', headers: { cookie: again.shopper.cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: again.answer.orderId, showtimeId: hot.showtimeId, tickets: 2, email: 'again@example.com' }),
      })
      assert.equal(((await resent.json()) as Answer).status, 'accepted')
      assert.equal((await orders()).filter((o) => o.accepted_at_edge).length, 20)
      const page = await (await fetch(`${b!.url}/orders/${atEdge[0]!.order_id}`)).text()
      assert.match(page, /data-status="accepted" data-decided="false"/)
      assert.match(page, /Accepted: 2 tickets, total €29\.00 — we are confirming your seats/)
    })

    test('a strict showtime never accepts at the edge', async () => {
      const strictAnswers = answers.filter((x) => x.showtimeId === strict.showtimeId)
      assert.equal(strictAnswers.length, 6)
      assert.deepEqual(new Set(strictAnswers.map((x) => x.answer.status)), new Set(['received']))
      assert.ok(strictAnswers.every((x) => x.answer.outcome === undefined))
      assert.ok((await orders()).filter((o) => o.showtime_id === strict.showtimeId).every((o) => !o.accepted_at_edge && o.status === 'received'))
    })

    test('the writer reconciles: every customer ends holding a seat, or cancelled, refunded and told — and seats never exceed capacity', { timeout: 180_000 }, async () => {
      await backEnd.start(orderingEndpoint)
      const all = await eventually(async () => {
        const rows = await orders()
        assert.equal(rows.filter((o) => o.decided_at).length, 30)
        return rows
      }, { timeoutMs: 120_000, intervalMs: 200, what: 'every order decided' })

      const seats = (await world.db.query<{ sold: number; left: number }>(
        `select coalesce(sum(-delta) filter (where type = 'SeatsReserved'), 0)::int as sold, sum(delta)::int as left
         from ordering.seat_events where showtime_id = $1`, [hot.showtimeId])).rows[0]!
      assert.deepEqual(seats, { sold: capacity, left: 0 }, 'sold out exactly, never past capacity')

      const hotOrders = all.filter((o) => o.showtime_id === hot.showtimeId)
      const seated = hotOrders.filter((o) => o.status === 'accepted')
      const cancelled = hotOrders.filter((o) => o.status === 'cancelled')
      assert.equal(seated.length * 2, capacity)
      assert.ok(hotOrders.filter((o) => o.accepted_at_edge).every((o) => ['accepted', 'cancelled'].includes(o.status)), 'told "accepted": seated or cancelled')
      assert.ok(hotOrders.filter((o) => !o.accepted_at_edge).every((o) => ['accepted', 'sold-out'].includes(o.status)), 'told "received": seated or sold out')
      assert.ok(cancelled.length >= 10, `at least the 10 edge orders beyond the 20 seats are cancelled, got ${cancelled.length}`)
      assert.equal(cancelled.filter((o) => o.accepted_at_edge).length, cancelled.length)

      // Cancelled: refunded in full, once, and told why, with the other showing.
      await eventually(() => assert.equal(seen.refunded.length, cancelled.length), { timeoutMs: 60_000, what: 'a refund for each cancelled order' })
      assert.deepEqual(new Set(seen.refunded.map((r) => r.orderId)), new Set(cancelled.map((o) => o.order_id)))
      assert.ok(seen.refunded.every((r) => r.amountCents === 2 * priceCents && r.showtimeId === hot.showtimeId))
      await eventually(() => assert.equal(seen.cancelled.length, cancelled.length))
      assert.ok(seen.cancelled.every((c) => c.alternative?.showtimeId === later.showtimeId && c.refundCents === 2 * priceCents))
      const mail = async () => (await world.db.query<{ kind: string; order_id: string; text_body: string; html_body: string }>('select kind, order_id, text_body, html_body from notifications.mailbox')).rows
      const apologies = await eventually(async () => {
        const sent = (await mail()).filter((m) => m.kind === 'apology')
        assert.equal(sent.length, cancelled.length)
        return sent
      }, { timeoutMs: 60_000, what: 'an apology for each cancelled order' })
      for (const apology of apologies) {
        assert.ok(cancelled.some((o) => o.order_id === apology.order_id))
        assert.match(apology.text_body, /€29\.00, the full amount/)
        assert.ok(apology.html_body.includes(`href="/showtimes/${later.showtimeId}"`))
      }
      const api = nodes[0]!.url
      const cancelledPage = await (await fetch(`${api}/orders/${cancelled[0]!.order_id}`)).text()
      assert.match(cancelledPage, /data-status="cancelled" data-decided="true"/)
      assert.match(cancelledPage, /more people were told yes than there were seats[^<]*€29\.00 is refunded in full/)
      assert.match(cancelledPage, new RegExp(`<a href="/showtimes/${later.showtimeId}">Top Gun: Maverick at Breda, <time`))
      for (const order of cancelled) {
        const payment = (await admin(api).call('GET', `/api/admin/billing/payments/${order.order_id}`)).body as { status: string; amountCents: number; operations: { kind: string }[] }
        assert.equal(payment.status, 'refunded')
        assert.equal(payment.amountCents, 2 * priceCents)
        assert.deepEqual(payment.operations.map((o) => o.kind), ['capture', 'refund'])
      }

      // Seated: paid once, tickets by e-mail. Sold out (never told "accepted"): never charged.
      const paidOrders = hotOrders.filter((o) => o.accepted_at_edge || o.status === 'accepted').length + all.filter((o) => o.showtime_id === strict.showtimeId).length
      await eventually(() => assert.equal(seen.captured.length, paidOrders), { timeoutMs: 60_000, what: 'one capture per paid order' })
      assert.equal(new Set(seen.captured.map((c) => c.orderId)).size, paidOrders)
      assert.equal(seen.atEdge.length, 20, 'the order sent twice was accepted at the edge once')
      await eventually(async () => {
        const tickets = new Set((await mail()).filter((m) => m.kind === 'tickets').map((m) => m.order_id))
        for (const order of [...seated, ...all.filter((o) => o.showtime_id === strict.showtimeId)]) assert.ok(tickets.has(order.order_id), order.order_id)
      }, { timeoutMs: 60_000, what: 'tickets for each seated order' })
      for (const order of hotOrders.filter((o) => o.status === 'sold-out')) {
        assert.equal((await admin(api).call('GET', `/api/admin/billing/payments/${order.order_id}`)).status, 404)
      }
      assert.ok(all.filter((o) => o.showtime_id === strict.showtimeId).every((o) => o.status === 'accepted'))

      // The browsers on node a were told the last word: what the writer decided, pushed.
      await eventually(() => {
        for (const { answer, pushed } of answers.filter((x) => x.node === 'a' && x.showtimeId === hot.showtimeId)) {
          assert.equal(pushed!.get(answer.orderId)?.outcome, all.find((o) => o.order_id === answer.orderId)!.status)
        }
      }, { what: 'each socket told its order\'s outcome' })

      // Ops sees how many and how much.
      const expected = {
        showtimeId: hot.showtimeId, movieTitle: 'Top Gun: Maverick', theaterName: 'Breda', startsAt: hot.startsAt,
        oversoldOrders: cancelled.length, oversoldTickets: 2 * cancelled.length, overLimitOrders: 0, refunds: cancelled.length, refundedCents: cancelled.length * 2 * priceCents,
        refundsPending: 0, pendingCents: 0, apologiesSent: cancelled.length,
      }
      await eventually(async () => {
        const report = (await admin(api).call('GET', '/api/ops/compensations')).body as { showtimes: unknown[]; totals: Record<string, number> }
        assert.deepEqual(report.showtimes, [expected])
      }, { timeoutMs: 60_000, what: 'ops compensations' })
      const page = (await admin(api).call('GET', '/ops/compensations')).body as string
      assert.match(page, new RegExp(`<tr data-showtime="${hot.showtimeId}">`))
      assert.match(page, new RegExp(`<td data-field="refundedCents">€${(cancelled.length * 29).toFixed(2)}</td>`))
    })
  })
}
