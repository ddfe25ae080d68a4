import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually } from '../../../../test/support/eventually.ts'
import { testLogger } from '../../../../test/support/logger.ts'
import { shapes, type World } from '../../../../test/support/shapes.ts'
import { createBus, type Bus } from '../../../messaging/bus.ts'
import { MessageCatalog } from '../../../messaging/message.ts'
import { DrawingEntered } from '../../ordering/messages.ts'
import { notificationsEndpoint } from '../endpoint.ts'
import { notifications } from '../index.ts'

for (const shape of shapes) {
  describe(`drawing entries by e-mail on ${shape.name}`, () => {
    let world: World
    let bus: Bus

    beforeEach(async () => {
      world = await shape.create([notifications.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(notifications.messages), logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      await bus.start(notificationsEndpoint)
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('an entry in a drawing gets one e-mail that says when it is drawn, with no tickets in it', async () => {
      const orderId = randomUUID()
      await bus.session('test').publish(DrawingEntered, {
        orderId, showtimeId: 'got-finale-tuschinski', tickets: 2, email: 'bo@example.com', drawingAt: '2019-05-19T08:00:00.000Z',
        movieTitle: 'Game of Thrones: The Iron Throne', theaterName: 'Tuschinski', startsAt: '2019-05-20T01:00:00.000Z',
      })

      const [email] = await eventually(async () => {
        const { rows } = await world.db.query<{ kind: string; to_address: string; order_id: string; subject: string; html_body: string }>('select * from notifications.mailbox')
        assert.equal(rows.length, 1)
        return rows
      })
      assert.equal(email!.kind, 'drawing-entry')
      assert.equal(email!.to_address, 'bo@example.com')
      assert.equal(email!.order_id, orderId)
      assert.equal(email!.subject, "You're in the drawing for Game of Thrones: The Iron Throne, drawn on Sunday, 19 May 2019")
      assert.doesNotMatch(email!.html_body, /<img/)
    })

    test('entries made together are e-mailed together: one e-mail each', async () => {
      const entries = Array.from({ length: 8 }, (_, i) => ({ orderId: randomUUID(), showtimeId: 'got-finale-tuschinski', tickets: 1, email: `fan${i}@example.com`, drawingAt: '2019-05-19T08:00:00.000Z' }))
      // One transaction's events to one queue travel as one bundle, and are handled as one batch.
      await bus.session('test').transaction(async (_, out) => {
        for (const entry of entries) out.publish(DrawingEntered, entry)
      })
      const emails = await eventually(async () => {
        const { rows } = await world.db.query<{ kind: string; to_address: string; order_id: string }>('select kind, to_address, order_id from notifications.mailbox')
        assert.equal(rows.length, entries.length, 'not yet: every entry e-mailed')
        return rows
      })
      assert.deepEqual(emails.map((e) => [e.order_id, e.to_address, e.kind]).sort(), entries.map((e) => [e.orderId, e.email, 'drawing-entry']).sort())
    })
  })
}
