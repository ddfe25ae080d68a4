import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { MessageCatalog } from '../../messaging/message.ts'
import { SagaTimeout } from '../../messaging/saga.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import { onWebNode } from '../index.ts'
import { notifications } from '../notifications/index.ts'
import { ordering } from '../ordering/index.ts'
import { DrawingEntered, SubmitOrder } from '../ordering/messages.ts'
import { draw } from './draw.ts'
import { drawingEndpoint } from './endpoint.ts'
import { entryIdOf } from './entry-id.ts'
import { drawing } from './index.ts'
import { commitmentOf } from './seed.ts'

const catalog = new MessageCatalog([SagaTimeout, ShowtimeScheduled, ...ordering.messages, ...drawing.messages, ...notifications.messages])
const graceMs = 1_000

const drawingShowtime = (showtimeId: string, capacity: number, drawingAt: Date) => ({
  showtimeId, movieId: 'got-finale', theaterId: 'breda', movieTitle: 'Game of Thrones: The Iron Throne', theaterName: 'Breda',
  screen: 'Zaal 1', startsAt: '2026-12-01T20:00:00.000Z', capacity, priceCents: 0, ticketType: 'drawing' as const,
  policy: 'strict' as const, drawingAt: drawingAt.toISOString(),
})

interface Mail { kind: string; to_address: string; order_id: string; subject: string }

for (const shape of shapes) {
  describe(`the drawing on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance

    beforeEach(async () => {
      world = await shape.create([ordering.migrations!, notifications.migrations!, drawing.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8), concurrency: 8 })
      await bus.start(ordering.endpoint!)
      await bus.start(notifications.endpoint!)
      await bus.start(drawingEndpoint({ graceMs: () => graceMs }))
      app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [drawing, onWebNode(ordering)], logger: testLogger, maxBodyBytes: 65_536, describe: () => ({}) })
    })
    afterEach(async () => {
      await app.close()
      await bus.stop()
      await world.destroy()
    })

    const json = async (url: string) => {
      const response = await app.inject({ url })
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`)
      return response.json()
    }
    const statusOf = async (orderId: string) =>
      (await world.db.query<{ status: string }>('select status from ordering.orders where order_id = $1', [orderId])).rows[0]?.status
    const mailbox = async () => (await world.db.query<Mail>('select kind, to_address, order_id, subject from notifications.mailbox')).rows
    const handledByDrawing = (...messageIds: string[]) => eventually(async () => assert.equal(
      (await world.db.query(`select 1 from messaging.inbox where queue = 'drawing' and message_id = any($1::uuid[])`, [messageIds])).rowCount, messageIds.length))
    const sagaRows = async (showtimeId: string) =>
      (await world.db.query(`select 1 from messaging.sagas where saga = 'drawing' and correlation_id = $1`, [showtimeId])).rowCount
    // A timeout waits as a delayed row: in the database queue, or in the outbox until RabbitMQ may have it.
    const pendingTimeouts = async (showtimeId: string) => (await world.db.query<{ n: number }>(
      `select (select count(*) from messaging.queue where headers->>'sagaName' = 'drawing' and headers->>'sagaId' = $1)::int
            + (select count(*) from messaging.outbox where headers->>'sagaName' = 'drawing' and headers->>'sagaId' = $1)::int as n`,
      [showtimeId])).rows[0]!.n

    test('a batch of entries holding one person twice and one order twice: each is taken as if it came alone', async () => {
      const showtimeId = 'got-breda-2'
      const drawingAt = new Date(Date.now() + 3_600_000)
      const opened = await bus.session('catalog').publish(ShowtimeScheduled, drawingShowtime(showtimeId, 5, drawingAt))
      await handledByDrawing(opened.messageId)
      const entry = (email: string, orderId = randomUUID()) => ({ orderId, showtimeId, tickets: 1, email, drawingAt: drawingAt.toISOString() })
      const ann = entry('ann@example.com')
      const annAgain = entry('ANN@example.com')
      const bob = entry('bob@example.com')
      // One transaction: the entries travel as one bundle and reach the drawing as one batch.
      const sent = await bus.session('ordering').transaction(async (_tx, out) => [ann, annAgain, ann, bob].map((e) => out.publish(DrawingEntered, e).messageId))
      await handledByDrawing(...sent)
      const entered = (await world.db.query<{ order_id: string }>('select order_id from drawing.entries where showtime_id = $1 order by email', [showtimeId])).rows
      assert.deepEqual(entered.map((r) => r.order_id), [ann.orderId, bob.orderId], 'the first entry of a person is kept; the same order once')
      const refused = await eventually(async () => {
        const notDrawn = (await mailbox()).filter((m) => m.kind === 'not-drawn')
        assert.equal(notDrawn.length, 1, 'not yet: the refusal e-mailed')
        return notDrawn
      }, { what: 'the second entry of one person answered' })
      assert.deepEqual(refused.map((m) => [m.order_id, m.subject.includes('already in the drawing')]), [[annAgain.orderId, true]])
    })

    test('entries until the drawing date, one per person; the timeout draws within capacity; winners get tickets, everyone else a "not this time"; anyone can re-run the draw', { timeout: 120_000 }, async () => {
      const showtimeId = 'got-breda-1'
      const capacity = 5
      const drawingAt = new Date(Date.now() + 6_000)
      const scheduled = drawingShowtime(showtimeId, capacity, drawingAt)

      // 1. Scheduled twice: one drawing, one commitment, one timeout.
      const first = await bus.session('catalog').publish(ShowtimeScheduled, scheduled)
      const again = await bus.session('catalog').publish(ShowtimeScheduled, scheduled)
      await eventually(async () => assert.ok((await world.db.query(`select 1 from ordering.showtimes where showtime_id = $1`, [showtimeId])).rowCount, 'not yet: (await world.db.query(`select 1 from ordering.showtimes where showtime_id = $1`, [showtimeId])).rowCount'))
      await handledByDrawing(first.messageId, again.messageId)
      const opened = await json(`/api/drawings/${showtimeId}`)
      assert.equal(opened.status, 'open')
      assert.equal(opened.seed, null)
      assert.match(opened.commitment, /^[0-9a-f]{64}$/)
      assert.equal(await pendingTimeouts(showtimeId), 1)

      // 2. More people than seats (12 tickets for 5), some with several tickets; then one of them again, in other letters.
      const enter = async (email: string, tickets: number) => {
        const orderId = randomUUID()
        await bus.session('web').send(SubmitOrder, { orderId, showtimeId, tickets, email })
        return { orderId, email, tickets }
      }
      const people = await Promise.all([2, 1, 2, 1, 2, 1, 3].map((tickets, i) => enter(`fan${i}@example.com`, tickets)))
      await eventually(async () => assert.equal((await json(`/api/drawings/${showtimeId}/entries`)).count, people.length))
      const twice = await enter('FAN0@Example.com', 1)
      await eventually(async () => assert.equal(await statusOf(twice.orderId), 'not-drawn'), { what: 'the second entry of one person refused' })
      // …and its page says it is in already, a week before the draw: not that it lost.
      const secondPage = await app.inject({ url: `/orders/${twice.orderId}` })
      assert.match(secondPage.body, /You are in this drawing already/)
      assert.doesNotMatch(secondPage.body, /Not this time/)
      assert.ok(Date.now() < drawingAt.getTime(), 'the entries went in before the drawing date (a slow machine: raise the 6 s)')
      assert.equal((await json(`/api/drawings/${showtimeId}`)).entries, people.length)
      assert.equal((await json(`/api/drawings/${showtimeId}`)).commitment, opened.commitment)
      assert.equal(await pendingTimeouts(showtimeId), 1)

      // 3. The timeout draws, after the drawing date and its grace.
      const held = await eventually(async () => {
        const d = await json(`/api/drawings/${showtimeId}`)
        assert.equal(d.status, 'drawn')
        return d
      }, { timeoutMs: 30_000, what: 'the draw' })
      assert.ok(Date.parse(held.heldAt) >= drawingAt.getTime() + graceMs, `held at ${held.heldAt}, drawing date ${drawingAt.toISOString()}`)
      assert.equal(commitmentOf(held.seed), opened.commitment, 'the seed revealed is the one committed to')
      assert.equal(held.entries, people.length)

      // 4. Every entry ends won (accepted, seats taken) or not drawn; never more seats than capacity.
      const result = await json(`/api/drawings/${showtimeId}/result`)
      const winnerIds = new Set(result.winners.map((w: { entryId: string }) => w.entryId))
      const winners = people.filter((p) => winnerIds.has(entryIdOf(p.orderId)))
      const others = people.filter((p) => !winnerIds.has(entryIdOf(p.orderId)))
      assert.ok(winners.length > 0 && others.length > 0)
      await eventually(async () => {
        for (const p of winners) assert.equal(await statusOf(p.orderId), 'accepted', `winner ${p.email}`)
        for (const p of others) assert.equal(await statusOf(p.orderId), 'not-drawn', `not drawn ${p.email}`)
      }, { what: 'every entry settled' })
      const seatsTaken = winners.reduce((sum, p) => sum + p.tickets, 0)
      assert.equal(seatsTaken, result.seatsAwarded)
      assert.ok(seatsTaken <= capacity, `${seatsTaken} seats for ${capacity}`)
      const seats = (await world.db.query<{ seats_left: number }>('select seats_left from ordering.showtimes where showtime_id = $1', [showtimeId])).rows[0]!
      assert.equal(seats.seats_left, capacity - seatsTaken)

      // 5. Winners have their tickets, everyone else a "not this time" saying why; the second entry, that it was one.
      const mail = await eventually(async () => {
        const all = await mailbox()
        assert.equal(all.filter((m) => m.kind === 'tickets').length, winners.length)
        assert.equal(all.filter((m) => m.kind === 'not-drawn').length, others.length + 1)
        return all
      }, { what: 'the e-mails' })
      const of = (orderId: string, kind: string) => mail.filter((m) => m.order_id === orderId && m.kind === kind)
      for (const p of winners) assert.match(of(p.orderId, 'tickets')[0]?.subject ?? '', /^You won the drawing! Your tickets for/, `tickets for ${p.email}`)
      for (const p of others) assert.match(of(p.orderId, 'not-drawn')[0]?.subject ?? '', /^Not this time/, `not drawn: ${p.email}`)
      assert.match(of(twice.orderId, 'not-drawn')[0]?.subject ?? '', /already in the drawing/)
      assert.equal(of(twice.orderId, 'not-drawn')[0]?.to_address, 'FAN0@Example.com')
      const orderPage = await app.inject({ url: `/orders/${others[0]!.orderId}` })
      assert.ok(orderPage.body.includes(`<a href="/drawings/${showtimeId}">`), 'the order page links its drawing')

      // 6. Anyone can re-run the draw from what is published, and gets the same winners.
      const published = await json(`/api/drawings/${showtimeId}/entries`)
      assert.equal(published.final, true)
      const rerun = draw({ seed: held.seed, capacity: held.capacity, entries: published.entries.map((e: { entryId: string; tickets: number }) => ({ id: e.entryId, tickets: e.tickets })) })
      assert.deepEqual(rerun.winners.map((w) => w.id), result.winners.map((w: { entryId: string }) => w.entryId))
      assert.equal(rerun.seatsAwarded, result.seatsAwarded)

      // 7. The saga is complete and waits for nothing.
      assert.equal(await sagaRows(showtimeId), 0)
      assert.equal(await pendingTimeouts(showtimeId), 0)

      // 8. After the draw: an order is refused by ordering at once; an entry still in flight is told it came too late;
      //    scheduling the showtime again opens no second drawing.
      const late = await enter('late@example.com', 1)
      await eventually(async () => assert.equal(await statusOf(late.orderId), 'not-drawn'))
      const inFlight = { orderId: randomUUID(), showtimeId, tickets: 2, email: 'slow@example.com', drawingAt: drawingAt.toISOString() }
      await bus.session('ordering').publish(DrawingEntered, inFlight)
      const [tooLate] = await eventually(async () => {
        const found = (await mailbox()).filter((m) => m.order_id === inFlight.orderId && m.kind === 'not-drawn')
        assert.equal(found.length, 1)
        return found
      })
      assert.match(tooLate!.subject, /too late/)
      await handledByDrawing((await bus.session('catalog').publish(ShowtimeScheduled, scheduled)).messageId)
      assert.equal(await sagaRows(showtimeId), 0)
      assert.equal(await pendingTimeouts(showtimeId), 0)
      const after = await json(`/api/drawings/${showtimeId}`)
      assert.deepEqual({ seed: after.seed, commitment: after.commitment, entries: after.entries }, { seed: held.seed, commitment: opened.commitment, entries: people.length })
    })
  })
}
