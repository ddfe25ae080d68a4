import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually } from '../../../../test/support/eventually.ts'
import { testLogger } from '../../../../test/support/logger.ts'
import { shapes, type World } from '../../../../test/support/shapes.ts'
import { createBus, type Bus } from '../../../messaging/bus.ts'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import { handle } from '../../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../../messaging/message.ts'
import { OrderCancelled } from '../../ordering/messages.ts'
import { notificationsEndpoint } from '../endpoint.ts'
import { notifications } from '../index.ts'
import { EmailSent } from '../messages.ts'

const aCancellation = (): DataOf<typeof OrderCancelled> => ({
  orderId: randomUUID(), showtimeId: 'top-gun-maverick-breda-1', reason: 'oversold', tickets: 3, refundCents: 4350, email: 'rooster@example.com',
  movieTitle: 'Top Gun: Maverick', theaterName: 'Breda', startsAt: '2026-12-01T19:30:00.000Z',
  alternative: { showtimeId: 'top-gun-maverick-tilburg-4', movieTitle: 'Top Gun: Maverick', theaterName: 'Tilburg', startsAt: '2026-12-03T19:30:00.000Z', seatsLeft: 80 },
})

for (const shape of shapes) {
  describe(`the apology e-mail on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let announced: DataOf<typeof EmailSent>[]

    beforeEach(async () => {
      world = await shape.create([notifications.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(notifications.messages), logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      announced = []
      await bus.start(notificationsEndpoint)
      await bus.start(defineEndpoint({ name: 'observer', handlers: [handle(EmailSent, (m) => void announced.push(m))] }))
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('a cancelled order gets one apology with its refund and the other showing, and EmailSent says so', async () => {
      const cancelled = aCancellation()
      await bus.session('ordering').publish(OrderCancelled, cancelled)

      const [email] = await eventually(async () => {
        const { rows } = await world.db.query<{ id: string; kind: string; to_address: string; order_id: string; text_body: string; html_body: string }>('select * from notifications.mailbox')
        assert.equal(rows.length, 1)
        return rows
      })
      assert.equal(email!.kind, 'apology')
      assert.equal(email!.to_address, 'rooster@example.com')
      assert.equal(email!.order_id, cancelled.orderId)
      assert.match(email!.text_body, /€43\.50, the full amount/)
      assert.ok(email!.html_body.includes('href="/showtimes/top-gun-maverick-tilburg-4"'))
      await eventually(() => assert.deepEqual(announced, [{ emailId: email!.id, kind: 'apology', to: 'rooster@example.com', orderId: cancelled.orderId }]))
    })
  })
}
