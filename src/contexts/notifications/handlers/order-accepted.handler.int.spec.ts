import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually } from '../../../../test/support/eventually.ts'
import { capturingLogger } from '../../../../test/support/log-capture.ts'
import { shapes, type World } from '../../../../test/support/shapes.ts'
import { createBus, defaultLimits, type Bus } from '../../../messaging/bus.ts'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import { firstHeaders } from '../../../messaging/envelope.ts'
import { handle } from '../../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../../messaging/message.ts'
import { toOutgoing } from '../../../messaging/outgoing.ts'
import { OrderAccepted } from '../../ordering/messages.ts'
import { notificationsEndpoint } from '../endpoint.ts'
import { notifications } from '../index.ts'
import { mailboxSender } from '../mailbox.sender.ts'
import { EmailSent } from '../messages.ts'

type Order = DataOf<typeof OrderAccepted>

const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: randomUUID(),
  showtimeId: 'dune-tuschinski-2024-06-01',
  tickets: 2,
  totalCents: 2500,
  email: 'ann@example.com',
  movieTitle: 'Dune: Part Two',
  theaterName: 'Pathé Tuschinski',
  startsAt: '2024-06-01T18:30:00.000Z',
  ...overrides,
})

interface Stored { id: string; message_id: string; kind: string; to_address: string; subject: string; text_body: string; html_body: string; order_id: string; inline_images: { cid: string; qr: string }[] }
const mailbox = async (world: World) => (await world.db.query<Stored>('select * from notifications.mailbox order by sent_at, id')).rows
const qrImages = (html: string) => html.match(/<img src="cid:ticket-\d+"/g) ?? []

/** Publishes as a sender that chose the message id: the way a redelivery, or a publisher retrying, looks. */
const publishWithId = async (world: World, messageId: string, order: Order) => {
  const headers = firstHeaders(OrderAccepted.type, 'publish', new Date(), { messageId, sentBy: 'test' })
  const flush = await world.db.transaction((tx) =>
    world.transport.enqueue(tx, [toOutgoing(OrderAccepted, order, headers, { topic: OrderAccepted.type }, defaultLimits)]))
  await flush()
}

for (const shape of shapes) {
  describe(`tickets by e-mail on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let log: ReturnType<typeof capturingLogger>
    let announced: DataOf<typeof EmailSent>[]

    beforeEach(async () => {
      log = capturingLogger()
      world = await shape.create([notifications.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(notifications.messages), logger: log.logger, instanceId: randomUUID().slice(0, 8) })
      announced = []
      await bus.start(notificationsEndpoint)
      await bus.start(defineEndpoint({ name: 'observer', handlers: [handle(EmailSent, (m) => void announced.push(m))] }))
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('an accepted order gets one e-mail with its tickets, one QR code each, and EmailSent says so', async () => {
      const order = anOrder({ tickets: 3, totalCents: 3750 })

      await bus.session('test').publish(OrderAccepted, order)

      const [email] = await eventually(async () => { const all = await mailbox(world); assert.equal(all.length, 1); return all })
      assert.equal(email!.kind, 'tickets')
      assert.equal(email!.to_address, 'ann@example.com')
      assert.equal(email!.order_id, order.orderId)
      assert.equal(email!.subject, 'Your tickets for Dune: Part Two')
      for (const n of [1, 2, 3]) assert.ok(email!.text_body.includes(`POPCORN:${order.orderId}:${n}`))
      assert.equal(qrImages(email!.html_body).length, 3)
      assert.deepEqual(email!.inline_images, [1, 2, 3].map((n) => ({ cid: `ticket-${n}`, qr: `POPCORN:${order.orderId}:${n}` })))
      for (const fact of ['Pathé Tuschinski', 'Saturday, 1 June 2024 at 20:30', '3 tickets', '€37.50']) assert.ok(email!.html_body.includes(fact), fact)
      await eventually(() => assert.deepEqual(announced, [{ emailId: email!.id, kind: 'tickets', to: 'ann@example.com', orderId: order.orderId }]))
    })

    test('a free order says "free"; a paid one says the price in euros', async () => {
      await bus.session('test').publish(OrderAccepted, anOrder({ tickets: 1, totalCents: 0, movieTitle: 'Game of Thrones: The Iron Throne' }))
      await bus.session('test').publish(OrderAccepted, anOrder({ tickets: 4, totalCents: 5200, movieTitle: 'Top Gun: Maverick' }))

      const emails = await eventually(async () => { const all = await mailbox(world); assert.equal(all.length, 2); return all })
      const bySubject = Object.fromEntries(emails.map((e) => [e.subject, e]))
      const free = bySubject['Your tickets for Game of Thrones: The Iron Throne']!
      const paid = bySubject['Your tickets for Top Gun: Maverick']!
      assert.match(free.text_body, /Total: +free\n/)
      assert.doesNotMatch(free.html_body, /€/)
      assert.equal(qrImages(free.html_body).length, 1)
      assert.match(paid.text_body, /Total: +€52\.00\n/)
      assert.equal(qrImages(paid.html_body).length, 4)
    })

    test('orders accepted together are e-mailed together: one e-mail each, and EmailSent for each', async () => {
      const orders = Array.from({ length: 10 }, (_, i) => anOrder({ tickets: 1 + (i % 4), email: `fan${i}@example.com` }))
      // One transaction's events to one queue travel as one bundle, and are handled as one batch.
      await bus.session('test').transaction(async (_, out) => {
        for (const order of orders) out.publish(OrderAccepted, order)
      })

      const emails = await eventually(async () => { const all = await mailbox(world); assert.equal(all.length, 10); return all })
      assert.deepEqual(emails.map((e) => e.to_address).sort(), orders.map((o) => o.email).sort())
      for (const order of orders) {
        const email = emails.find((e) => e.order_id === order.orderId)!
        assert.equal(qrImages(email.html_body).length, order.tickets)
        assert.equal(email.inline_images.length, order.tickets)
      }
      await eventually(() => assert.equal(announced.length, 10))
      assert.deepEqual(new Set(announced.map((a) => a.emailId)), new Set(emails.map((e) => e.id)))
    })

    test('the same event delivered twice (one message id) is e-mailed once', async () => {
      const messageId = randomUUID()
      const order = anOrder()

      await publishWithId(world, messageId, order)
      await publishWithId(world, messageId, order)

      await eventually(() => assert.equal(log.said('duplicate delivery: already handled, no effect').length, 1))
      // Both may be in one batch, whose duplicate is found (and logged) before the batch commits.
      const emails = await eventually(async () => { const all = await mailbox(world); assert.equal(all.length, 1); return all })
      assert.equal(emails[0]!.message_id, messageId)
      await eventually(() => assert.equal(announced.length, 1))
    })

    test('even without the inbox, the mailbox stores one e-mail per causing message', async () => {
      const email = { kind: 'tickets' as const, to: 'ann@example.com', subject: 's', text: 't', html: '<p>h</p>' }
      const cause = { messageId: randomUUID(), at: new Date() }

      const first = await world.db.transaction((tx) => mailboxSender(tx).send(email, cause))
      const second = await world.db.transaction((tx) => mailboxSender(tx).send(email, cause))

      assert.ok(first?.emailId)
      assert.equal(second, undefined)
      assert.equal((await mailbox(world)).length, 1)
    })

    test('user text is escaped in the HTML body', async () => {
      await bus.session('test').publish(OrderAccepted, anOrder({ movieTitle: '<script>alert("x")</script>', theaterName: '<img src=x onerror=alert(1)>' }))

      const [email] = await eventually(async () => { const all = await mailbox(world); assert.equal(all.length, 1); return all })
      assert.ok(email!.html_body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'))
      assert.ok(email!.html_body.includes('&lt;img src=x onerror=alert(1)&gt;'))
      assert.doesNotMatch(email!.html_body, /<script|<img src=x/)
    })

    test('an address the event schema refuses (quoted HTML in it) is stopped at the sender, and nothing is sent', async () => {
      // The composer escapes such an address too (tickets.email.unit.spec.ts); here it never gets that far.
      await assert.rejects(bus.session('test').publish(OrderAccepted, anOrder({ email: '"<b>x</b>"@example.com' })), { code: 'INVALID_MESSAGE' })
      await bus.session('test').publish(OrderAccepted, anOrder({ email: 'marker@example.com' }))
      await eventually(async () => assert.deepEqual((await mailbox(world)).map((e) => e.to_address), ['marker@example.com']))
    })
  })
}
