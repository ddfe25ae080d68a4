import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { countingDatabase, countingTransport } from '../../../test/support/counting.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { shopper } from '../../../test/support/shoppers.ts'
import { createBus, defaultLimits, type Bus, type RunningEndpoint } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import type { GroupCommitSettings } from '../../messaging/group-commit.ts'
import { handle } from '../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../messaging/message.ts'
import { SagaTimeout } from '../../messaging/saga.ts'
import { MessageSession } from '../../messaging/session.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import { orderingEndpoint } from './endpoint.ts'
import { ordering } from './index.ts'
import { OrderOutcome } from './messages.ts'
import { isSoldOutAtOnce, placeOrder } from './place-order.ts'

const catalog = new MessageCatalog([...ordering.messages, ShowtimeScheduled, SagaTimeout])
type Outcome = DataOf<typeof OrderOutcome>

/** The group closes when it is full, never by the clock: which orders share a transaction is decided, not timed. */
const whenFull = (max: number): GroupCommitSettings => ({ windowMs: 2, max, timer: () => () => {} })

for (const shape of shapes) {
  describe(`placing orders on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let web: RunningEndpoint
    let counted: ReturnType<typeof countingDatabase>
    let sent: ReturnType<typeof countingTransport>
    const outcomes = new Map<string, Outcome>()

    beforeEach(async () => {
      outcomes.clear()
      world = await shape.create([ordering.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 16 })
      await bus.start(orderingEndpoint)
      web = await bus.start(defineEndpoint({ name: 'web', perInstance: true, handlers: [handle(OrderOutcome, (m) => void outcomes.set(m.orderId, m))] }))
      counted = countingDatabase(world.db)
      sent = countingTransport(world.transport)
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    /** The web node's session, its transactions and flushes counted. */
    const sessionOf = (grouping?: GroupCommitSettings) =>
      new MessageSession({ db: counted.db, transport: sent.transport, limits: defaultLimits, clock: () => new Date() }, { endpoint: 'web', replyTo: web.queue }, grouping)
    const schedule = async (s: ReturnType<typeof showtime>) => {
      await bus.session('catalog').publish(ShowtimeScheduled, s)
      await eventually(async () => assert.ok((await world.db.query('select 1 from ordering.showtimes where showtime_id = $1', [s.showtimeId])).rowCount, 'not yet: (await world.db.query(\'select 1 from ordering.showtimes where showtime_id = $1\', [s.showtimeId])).rowCount'))
    }
    const seatsLeft = async (showtimeId: string) =>
      (await world.db.query<{ seatsLeft: number }>('select seats_left as "seatsLeft" from ordering.showtimes where showtime_id = $1', [showtimeId])).rows[0]?.seatsLeft
    const storedOrders = async () => (await world.db.query<{ order_id: string }>('select order_id from ordering.orders')).rows.map((r) => r.order_id).sort()

    test('orders arriving together share one transaction; each is stored, sent once and decided; bad ones are refused before joining', async () => {
      await schedule(showtime('together', { capacity: 100 }))
      const session = sessionOf(whenFull(25))
      const good = Array.from({ length: 25 }, (_, i) => ({ orderId: randomUUID(), showtimeId: 'together', tickets: 2, email: `fan-${i}@example.com` }))
      const bad = [{ ...good[0]!, orderId: randomUUID(), tickets: 0 }, { ...good[0]!, orderId: randomUUID(), email: 'no-address' }]
      const answers = await Promise.allSettled([...good, ...bad].map((order) => placeOrder({ db: world.db, session }, order, randomUUID())))

      assert.deepEqual(answers.slice(0, 25).map((a) => a.status === 'fulfilled' && a.value.status), good.map(() => 'received'))
      assert.deepEqual(answers.slice(25).map((a) => a.status === 'rejected' && (a.reason as { code: string }).code), ['BAD_REQUEST', 'BAD_REQUEST'])
      assert.equal(counted.transactions(), 1, 'one transaction for the 25; none for the refused')
      assert.equal(counted.statements('insert into ordering.orders'), 1, 'the 25 orders written by one statement')
      assert.deepEqual(sent.counts, { enqueues: 1, messages: 25, flushes: 1 })
      assert.deepEqual(await storedOrders(), good.map((o) => o.orderId).sort(), 'stored when answered; nothing of the refused')
      await eventually(() => assert.equal(outcomes.size, 25), { what: 'every order decided and answered' })
      assert.ok(good.every((o) => outcomes.get(o.orderId)?.outcome === 'accepted'))
      assert.equal(await seatsLeft('together'), 50, 'each order decided once')
    })

    test('the same order submitted twice in one group (a double click) is stored and sent once, and both answers name it', async () => {
      await schedule(showtime('twice', { capacity: 100 }))
      const session = sessionOf(whenFull(3))
      const browser = randomUUID()
      const order = { orderId: randomUUID(), showtimeId: 'twice', tickets: 2, email: 'fan@example.com' }
      const other = { ...order, orderId: randomUUID() }
      const answers = await Promise.all([order, order, other].map((o) => placeOrder({ db: world.db, session }, o, browser)))

      assert.deepEqual(answers.map((a) => a.orderId), [order.orderId, order.orderId, other.orderId])
      assert.deepEqual([answers[0]!.status, answers[2]!.status], ['received', 'received'])
      assert.ok(['received', 'accepted'].includes(answers[1]!.status), 'the second, read back after the commit: received, or decided by then')
      assert.deepEqual(sent.counts, { enqueues: 1, messages: 2, flushes: 1 }, 'one SubmitOrder for each order')
      assert.deepEqual(await storedOrders(), [order.orderId, other.orderId].sort())
      await eventually(() => assert.equal(outcomes.size, 2), { what: 'both orders decided' })
      assert.equal(await seatsLeft('twice'), 96, 'the order twice took its seats once')
    })

    test('an order whose write the database refuses fails alone; the others in its group are stored and decided', async () => {
      await schedule(showtime('shared', { capacity: 100 }))
      const session = sessionOf(whenFull(8))
      const orders = Array.from({ length: 8 }, () => ({ orderId: randomUUID(), showtimeId: 'shared', tickets: 1, email: 'fan@example.com' }))
      const refused = orders[5]!.orderId
      counted.poison(refused)
      const answers = await Promise.allSettled(orders.map((order) => placeOrder({ db: world.db, session }, order, randomUUID())))

      assert.deepEqual(answers.map((a) => a.status), orders.map((o) => (o.orderId === refused ? 'rejected' : 'fulfilled')))
      assert.equal(counted.transactions(), 1 + orders.length, 'the shared transaction rolled back, then each order alone')
      const others = orders.filter((o) => o.orderId !== refused).map((o) => o.orderId)
      assert.deepEqual(await storedOrders(), [...others].sort())
      await eventually(() => assert.equal(outcomes.size, others.length), { what: 'the neighbours decided' })
      assert.ok(others.every((id) => outcomes.get(id)?.outcome === 'accepted'))
      assert.equal(outcomes.has(refused), false)
      assert.equal(await seatsLeft('shared'), 100 - others.length, 'each neighbour decided once')
    })

    test('a strict showing the view shows sold out for this request is answered at once: nothing stored, nothing sent; a seat that comes back reopens it', async () => {
      await schedule(showtime('strict', { capacity: 3 }))
      const session = sessionOf()
      const order = (tickets: number, orderId: string = randomUUID(), browser: string = randomUUID()) =>
        placeOrder({ db: world.db, session }, { orderId, showtimeId: 'strict', tickets, email: 'fan@example.com' }, browser)

      const first = await order(2)
      assert.equal(first.status, 'received')
      await eventually(async () => assert.equal(await seatsLeft('strict'), 1), { what: 'the view updated by the writer' })
      const before = { transactions: counted.transactions(), messages: sent.counts.messages, stored: (await storedOrders()).length }

      const tooMany = randomUUID()
      const soldOut = await order(2, tooMany)
      assert.ok(isSoldOutAtOnce(soldOut))
      assert.deepEqual(soldOut, { orderId: tooMany, status: 'sold-out', seatsLeft: 1, outcome: { outcome: 'sold-out', orderId: tooMany, showtimeId: 'strict', seatsLeft: 1 } })
      assert.deepEqual({ transactions: counted.transactions(), messages: sent.counts.messages, stored: (await storedOrders()).length }, before, 'no transaction, no message, no order')

      const lastBrowser = randomUUID()
      const last = await order(1, randomUUID(), lastBrowser)
      assert.equal(last.status, 'received', 'one seat left is enough for one')
      await eventually(async () => assert.equal(await seatsLeft('strict'), 0))
      const none = await order(1)
      assert.ok(isSoldOutAtOnce(none))
      assert.equal(none.seatsLeft, 0)
      // The last seat's own order, sent again (a retry), is still that order, not "sold out".
      assert.deepEqual(await order(1, last.orderId, lastBrowser), { orderId: last.orderId, status: 'accepted', statusUrl: `/orders/${last.orderId}` })

      // A seat comes back (a cancellation, capacity added): the writer writes it into the view, which is read afresh.
      // Here only the view says so, and the writer, whose stream has the last word, decides the order sold out.
      await world.db.query(`update ordering.showtimes set seats_left = 1 where showtime_id = 'strict'`)
      const reopened = await order(1)
      assert.equal(reopened.status, 'received')
      await eventually(() => assert.equal(outcomes.get(reopened.orderId)?.outcome, 'sold-out'), { what: 'the writer\'s word' })
      assert.equal(outcomes.has(tooMany), false, 'the sold-out answer never went to the writer')
    })

    test('a drawing is never answered sold out from the view; an optimistic showing is, as a strict one', async () => {
      const later = { startsAt: '2099-12-01T19:30:00.000Z' }
      await schedule(showtime('draw', { ...later, capacity: 1, ticketType: 'drawing', priceCents: 0, drawingAt: '2099-11-28T12:00:00.000Z' }))
      await schedule(showtime('hopeful', { ...later, capacity: 1, policy: 'optimistic' }))
      await eventually(async () => assert.equal(await seatsLeft('hopeful'), 1), { what: 'the optimistic showing opened' })
      const session = sessionOf()
      const order = (showtimeId: string, tickets: number) => placeOrder({ db: world.db, session }, { showtimeId, tickets, email: 'fan@example.com' }, randomUUID())
      const entry = await order('draw', 2)
      const hope = await order('hopeful', 2)
      assert.equal(entry.status, 'received')
      await eventually(() => assert.ok(outcomes.has(entry.orderId), 'not yet: outcomes.has(entry.orderId)'))
      assert.equal(outcomes.get(entry.orderId)?.outcome, 'entered-drawing', 'entries take no seats')
      assert.ok(isSoldOutAtOnce(hope), 'one seat left, two asked: the writer would say so too')
      assert.deepEqual(hope.outcome, { outcome: 'sold-out', orderId: hope.orderId, showtimeId: 'hopeful', seatsLeft: 1 })
      assert.equal((await world.db.query('select 1 from ordering.orders where order_id = $1', [hope.orderId])).rowCount, 0, 'nothing stored')
    })
  })

  describe(`sold out at once, as a person sees it, on ${shape.name}`, () => {
    let node: PopcornNode
    beforeEach(async () => {
      node = await startPopcornNode(shape, [ordering])
      await node.schedule(showtime('dune-tiny', { capacity: 2 }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/dune-tiny/seats`)).status, 200))
    })
    afterEach(async () => node.stop())

    test('over HTTP, over the socket and on the page without a script', async () => {
      const ada = shopper()
      try {
        const asked = { showtimeId: 'dune-tiny', tickets: 3, email: 'ada@example.com' }
        const http = await fetch(`${node.url}/api/orders`, { method: 'POST', headers: { cookie: await ada.sessionCookie(node.url), 'content-type': 'application/json' }, body: JSON.stringify(asked) })
        assert.equal(http.status, 200, 'answered, nothing taken')
        const body = (await http.json()) as { status: string; seatsLeft: number; outcome: unknown; orderId: string }
        assert.deepEqual(body, { orderId: body.orderId, status: 'sold-out', seatsLeft: 2, outcome: { outcome: 'sold-out', orderId: body.orderId, showtimeId: 'dune-tiny', seatsLeft: 2 } })

        const socket = await ada.connect(node.url)
        const answer = (await socket.submit(asked)) as unknown as { ok: boolean; status: string; seatsLeft: number }
        assert.deepEqual([answer.ok, answer.status, answer.seatsLeft], [true, 'sold-out', 2])

        const form = await fetch(`${node.url}/orders`, {
          method: 'POST', redirect: 'manual',
          headers: { cookie: await ada.sessionCookie(node.url), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ showtimeId: 'dune-tiny', tickets: '3', email: 'ada@example.com', _csrf: await ada.formToken(node.url) }).toString(),
        })
        assert.equal(form.status, 200)
        const page = await form.text()
        const words = page.replace(/<[^>]+>/g, '')
        assert.match(words, /Sorry — sold out: only 2 seats are left for Dune at Breda, Tuesday,? 1 December at 20:30\. Nothing was ordered and nothing was charged\./)
        assert.match(page, /<a href="\/showtimes\/dune-tiny">Order fewer tickets, or choose another showing<\/a>/)
        assert.equal((await node.world.db.query('select 1 from ordering.orders')).rowCount, 0)
      } finally {
        ada.close()
      }
    })
  })
}
