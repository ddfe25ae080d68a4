import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { createBus, type Bus, type RunningEndpoint } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../messaging/message.ts'
import { SagaTimeout } from '../../messaging/saga.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import { orderingEndpoint } from './endpoint.ts'
import { ordering } from './index.ts'
import { OrderAccepted, OrderOutcome } from './messages.ts'
import { isSoldOutAtOnce, placeOrder } from './place-order.ts'

const catalog = new MessageCatalog([...ordering.messages, ShowtimeScheduled, SagaTimeout])
type Outcome = DataOf<typeof OrderOutcome>

/** The suite's clock: a week before the drawing date below, moving on from there, whatever today's date is. */
const startedAt = Date.now()
const clock = () => new Date(Date.parse('2026-11-21T12:00:00.000Z') + (Date.now() - startedAt))

const showtime = (showtimeId: string, capacity: number, ticketType: 'regular' | 'drawing' = 'regular') => ({
  showtimeId, movieId: 'dune', theaterId: 'breda', movieTitle: 'Dune', theaterName: 'Breda', screen: 'Zaal 1',
  startsAt: '2026-12-01T19:30:00.000Z', capacity, priceCents: ticketType === 'drawing' ? 0 : 1250, ticketType,
  policy: 'strict' as const, drawingAt: ticketType === 'drawing' ? '2026-11-28T12:00:00.000Z' : null,
})

for (const shape of shapes) {
  describe(`ordering on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let web: RunningEndpoint
    const outcomes = new Map<string, Outcome>()
    const accepted: DataOf<typeof OrderAccepted>[] = []

    beforeEach(async () => {
      outcomes.clear()
      accepted.length = 0
      world = await shape.create([ordering.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 16, clock })
      await bus.start(orderingEndpoint)
      await bus.start(defineEndpoint({ name: 'mail-spy', handlers: [handle(OrderAccepted, (m) => void accepted.push(m))] }))
      web = await bus.start(defineEndpoint({ name: 'web', perInstance: true, handlers: [handle(OrderOutcome, (m) => void outcomes.set(m.orderId, m))] }))
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    const schedule = async (s: ReturnType<typeof showtime>) => {
      await bus.session('catalog').publish(ShowtimeScheduled, s)
      await eventually(async () => assert.ok((await world.db.query('select 1 from ordering.showtimes where showtime_id = $1', [s.showtimeId])).rowCount, 'not yet: (await world.db.query(\'select 1 from ordering.showtimes where showtime_id = $1\', [s.showtimeId])).rowCount'))
    }
    // A browser is a person: its own e-mail address (the showing's per-buyer cap counts both).
    const order = (showtimeId: string, tickets: number, browserSession = randomUUID()) =>
      placeOrder({ db: world.db, session: web.session }, { showtimeId, tickets, email: `fan-${browserSession}@example.com` }, browserSession)

    test('2,000 concurrent orders for 400 seats: exactly 400 sold, every order answered once', { timeout: 300_000 }, async () => {
      await schedule(showtime('dune-rush', 400))

      const placed = await Promise.all(Array.from({ length: 2_000 }, () => order('dune-rush', 1)))
      assert.equal(new Set(placed.map((r) => r.orderId)).size, 2_000)
      // Orders arriving once the view shows the showing sold out are answered so at once, and never reach the writer.
      const atOnce = placed.filter(isSoldOutAtOnce)
      assert.ok(atOnce.every((p) => p.seatsLeft === 0))
      const taken = placed.length - atOnce.length

      await eventually(() => assert.equal(outcomes.size, taken), { timeoutMs: 240_000, intervalMs: 200, what: 'every order taken answered' })
      const all = [...outcomes.values()]
      const soldTickets = all.filter((o) => o.outcome === 'accepted').reduce((sum, o) => sum + (o.outcome === 'accepted' ? o.tickets : 0), 0)
      assert.equal(soldTickets, 400)
      assert.equal(all.filter((o) => o.outcome === 'sold-out').length + atOnce.length, 1_600)

      const stream = (await world.db.query<{ seats: number; decisions: number; orders: number }>(
        `select sum(delta)::int as seats, count(*) filter (where type <> 'ShowtimeOpened')::int as decisions,
                count(distinct data->>'orderId')::int as orders
         from ordering.seat_events where showtime_id = 'dune-rush'`)).rows[0]!
      assert.deepEqual(stream, { seats: 0, decisions: taken, orders: taken }, 'one decision per order taken; seats left 0')
      const statuses = (await world.db.query<{ status: string; n: number }>(`select status, count(*)::int as n from ordering.orders group by status order by status`)).rows
      assert.deepEqual(statuses, [{ status: 'accepted', n: 400 }, { status: 'sold-out', n: taken - 400 }].filter((s) => s.n > 0))
      await eventually(() => assert.equal(accepted.length, 400), { what: 'OrderAccepted published for each accepted order' })
    })

    test('the exact last seats, then sold out at once; a drawing showtime enters orders without taking seats', async () => {
      await schedule(showtime('small', 5))
      await schedule(showtime('got', 100, 'drawing'))
      const first = await order('small', 4)
      await eventually(() => assert.ok(outcomes.has(first.orderId), 'not yet: outcomes.has(first.orderId)'))
      const last = await order('small', 1)
      await eventually(() => assert.ok(outcomes.has(last.orderId), 'not yet: outcomes.has(last.orderId)'))
      // The writer's decision and the view commit together: once "accepted" is pushed, the view shows no seats left.
      const late = await order('small', 1)
      const entry = await order('got', 2)
      await eventually(() => assert.ok(outcomes.has(entry.orderId), 'not yet: outcomes.has(entry.orderId)'))

      assert.deepEqual(outcomes.get(last.orderId), { outcome: 'accepted', orderId: last.orderId, showtimeId: 'small', tickets: 1, totalCents: 1250 })
      const soldOut = { outcome: 'sold-out' as const, orderId: late.orderId, showtimeId: 'small', seatsLeft: 0 }
      assert.deepEqual(late, { orderId: late.orderId, status: 'sold-out', seatsLeft: 0, outcome: soldOut }, 'answered at once, from the view')
      assert.equal(outcomes.has(late.orderId), false)
      assert.deepEqual(outcomes.get(entry.orderId), { outcome: 'entered-drawing', orderId: entry.orderId, showtimeId: 'got', tickets: 2, drawingAt: '2026-11-28T12:00:00.000Z' })
    })

    test('the same order submitted twice is ordered once', async () => {
      await schedule(showtime('twice', 10))
      const browser = randomUUID()
      const orderId = randomUUID()
      const submit = () => placeOrder({ db: world.db, session: web.session }, { orderId, showtimeId: 'twice', tickets: 3, email: 'a@example.com' }, browser)
      await Promise.all([submit(), submit(), submit()])
      await eventually(() => assert.ok(outcomes.has(orderId), 'not yet: outcomes.has(orderId)'))
      const seats = (await world.db.query<{ seats_left: number }>(`select seats_left from ordering.showtimes where showtime_id = 'twice'`)).rows[0]
      assert.equal(seats?.seats_left, 7)
      await assert.rejects(placeOrder({ db: world.db, session: web.session }, { orderId, showtimeId: 'twice', tickets: 3, email: 'a@example.com' }, randomUUID()), { code: 'CONFLICT' })
    })

    test('bad orders get a clear error, and nothing is stored or sent', async () => {
      await schedule(showtime('guarded', 10))
      const bad: [unknown, string, RegExp][] = [
        [{ showtimeId: 'nope', tickets: 1, email: 'a@example.com' }, 'NOT_FOUND', /no showtime "nope"/],
        [{ showtimeId: 'guarded', tickets: 0, email: 'a@example.com' }, 'BAD_REQUEST', /at least one ticket/],
        [{ showtimeId: 'guarded', tickets: 11, email: 'a@example.com' }, 'BAD_REQUEST', /at most 10 tickets/],
        [{ showtimeId: 'guarded', tickets: 1, email: 'not-an-address' }, 'BAD_REQUEST', /e-mail/],
        [{ showtimeId: 'x'.repeat(500), tickets: 1, email: 'a@example.com' }, 'BAD_REQUEST', /showtimeId/],
        ['just a string', 'BAD_REQUEST', /invalid order/],
        [null, 'BAD_REQUEST', /invalid order/],
        // A ticket count is a JSON integer or a string of digits: nothing that Number() would have made one of.
        ...[true, [2], '0x5', '+7', ' 4 ', '1e1', 2.5, '', null].map((tickets): [unknown, string, RegExp] =>
          [{ showtimeId: 'guarded', tickets, email: 'a@example.com' }, 'BAD_REQUEST', /tickets/]),
      ]
      for (const [input, code, message] of bad) {
        await assert.rejects(placeOrder({ db: world.db, session: web.session }, input, randomUUID()), { code, message })
      }
      assert.equal((await world.db.query('select 1 from ordering.orders')).rowCount, 0)
      // A form's digits are a number.
      const fromForm = await placeOrder({ db: world.db, session: web.session }, { showtimeId: 'guarded', tickets: '4', email: 'a@example.com' }, randomUUID())
      await eventually(() => assert.equal(outcomes.get(fromForm.orderId)?.outcome, 'accepted'))
    })

    test('a script that makes up a new session for every order is slowed down by its address, and one e-mail address by itself', async () => {
      await schedule(showtime('scripted', 1_000))
      const config = { POPCORN_GROUP_COMMIT_MS: 0, POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: 5, POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: 3 }
      const deps = { db: world.db, session: web.session, config }
      const address = `2001:db8::${randomUUID().slice(0, 4)}`
      const codes = async (orders: (() => Promise<unknown>)[]) =>
        (await Promise.allSettled(orders.map((order) => order()))).map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code))
      // Eight orders, each from a session of its own and to an address of its own, all from one network address.
      const fromOneAddress = await codes(Array.from({ length: 8 }, (_, i) => () =>
        placeOrder(deps, { showtimeId: 'scripted', tickets: 1, email: `bot-${randomUUID()}-${i}@example.com` }, randomUUID(), address)))
      assert.deepEqual(fromOneAddress.sort(), [...Array(5).fill('ok'), ...Array(3).fill('TOO_MANY_REQUESTS')].sort())
      // One e-mail address from sessions and addresses of its own each: three, then no more.
      const email = `Fan-${randomUUID()}@Example.com`
      const forOneEmail = await codes(Array.from({ length: 5 }, (_, i) => () =>
        placeOrder(deps, { showtimeId: 'scripted', tickets: 1, email: i % 2 ? email.toLowerCase() : email }, randomUUID(), `203.0.113.${10 + i}-${randomUUID()}`)))
      assert.deepEqual(forOneEmail.sort(), [...Array(3).fill('ok'), ...Array(2).fill('TOO_MANY_REQUESTS')].sort())
      // Someone else, from elsewhere, still orders.
      const someoneElse = await placeOrder(deps, { showtimeId: 'scripted', tickets: 2, email: 'someone@example.com' }, randomUUID(), `192.0.2.${Math.floor(Math.random() * 250)}`)
      await eventually(() => assert.equal(outcomes.get(someoneElse.orderId)?.outcome, 'accepted'))
      const stored = (await world.db.query<{ n: number }>(`select count(*)::int as n from ordering.orders where showtime_id = 'scripted'`)).rows[0]!.n
      assert.equal(stored, 5 + 3 + 1, 'what was refused stored nothing')
    })

    test('a flood from one browser is slowed down; others still order', async () => {
      await schedule(showtime('flood', 1_000))
      const flooder = randomUUID()
      const results = await Promise.allSettled(Array.from({ length: 30 }, () => order('flood', 1, flooder)))
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)
      assert.ok(refused.length >= 10 && refused.every((code) => code === 'TOO_MANY_REQUESTS'), `refused: ${refused.length}`)
      const someoneElse = await order('flood', 2)
      await eventually(() => assert.equal(outcomes.get(someoneElse.orderId)?.outcome, 'accepted'))
    })
  })
}
