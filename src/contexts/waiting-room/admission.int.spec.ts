import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper } from '../../../test/support/shoppers.ts'
import { admin, visitor } from '../../../test/support/visitor.ts'
import { ordering } from '../ordering/index.ts'
import { waitingRoom } from './index.ts'

const showtimes = ['gated', 'open-door', 'form-door', 'sockets'] as const
const env = { POPCORN_WAITING_ROOM_TICK_MS: '100', POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '100000' }
const order = (showtimeId: string, extra: Record<string, unknown> = {}) => ({ showtimeId, tickets: 1, email: 'fan@example.com', ...extra })

type Ack = { ok: boolean; token?: string; place?: { position: number; admitted: boolean; active: boolean }; orderId?: string; error?: { code: string; message: string; details?: Record<string, unknown> } }

for (const shape of shapes) {
  describe(`ordering behind the waiting room on ${shape.name}`, () => {
    let node: PopcornNode
    const ordersOf = async (showtimeId: string) =>
      (await node.world.db.query<{ n: number }>(`select count(*)::int as n from ordering.orders where showtime_id = $1`, [showtimeId])).rows[0]!.n
    const statusOf = async (orderId: string) => ((await (await fetch(`${node.url}/api/orders/${orderId}`)).json()) as { status: string }).status

    before(async () => {
      node = await startPopcornNode(shape, [ordering, waitingRoom], env)
      for (const id of showtimes) await node.schedule(showtime(id))
      await eventually(async () => {
        for (const id of showtimes) assert.equal((await fetch(`${node.url}/api/showtimes/${id}/seats`)).status, 200)
        assert.equal((await node.world.db.query('select 1 from waiting_room.showtimes')).rowCount, showtimes.length)
      }, { timeoutMs: 60_000, what: 'the showtimes open for orders and known to the waiting room' })
    })
    after(async () => node?.stop())

    test('while the room is on, an order needs the token of a place that was let through, held by the same browser', async () => {
      const boss = admin(node.url)
      await boss.set('gated', { mode: 'on', ratePerSecond: 0 })
      const ann = visitor(node.url)
      const bob = visitor(node.url)

      const noToken = await ann.order(order('gated'))
      assert.deepEqual([noToken.status, noToken.body.error.code, noToken.body.error.details], [403, 'WAITING_ROOM', { url: '/waiting-room/gated' }])

      const { token } = (await ann.join('gated')).body
      const early = await ann.order(order('gated', { placeToken: token }))
      assert.deepEqual([early.status, early.body.error.code, early.body.error.details.position], [409, 'NOT_YOUR_TURN', 1])
      assert.equal((await bob.order(order('gated', { placeToken: token }))).body.error.code, 'PLACE_TOKEN_NOT_YOURS')
      assert.equal((await ann.order(order('gated', { placeToken: `${token}x` }))).body.error.code, 'PLACE_TOKEN_INVALID')
      assert.equal((await ann.order(order('gated', { placeToken: 'x'.repeat(3_000) }))).status, 400)
      assert.equal(await ordersOf('gated'), 0, 'nothing stored for a refused order')

      await boss.set('gated', { mode: 'on', ratePerSecond: 50 })
      await eventually(async () => assert.equal((await ann.mine('gated')).body.place.admitted, true))
      const placed = await ann.order(order('gated', { placeToken: token }))
      assert.equal(placed.status, 202, JSON.stringify(placed.body))
      await eventually(async () => assert.equal(await statusOf(placed.body.orderId), 'accepted'))

      // Ten minutes later (made so in the database), the turn has passed: joining again queues anew.
      await node.world.db.query(`update waiting_room.places set admitted_at = now() - interval '20 minutes' where browser_session = $1`, [ann.session])
      const late = await ann.order(order('gated', { placeToken: token }))
      assert.deepEqual([late.status, late.body.error.code], [410, 'PLACE_TOKEN_EXPIRED'])
      assert.match(late.body.error.message, /your turn has passed; join the queue again/)
      await boss.set('gated', { mode: 'on', ratePerSecond: 0 })
      const again = await ann.join('gated')
      assert.equal(again.body.place.admitted, false, 'back in the queue')
      assert.notEqual(again.body.token, token)
      assert.equal((await ann.order(order('gated', { placeToken: token }))).body.error.code, 'PLACE_TOKEN_EXPIRED', 'the old place is given up')
      assert.equal(await ordersOf('gated'), 1)
    })

    test('a room that is not on asks nothing of an order', async () => {
      const ann = visitor(node.url)
      const straight = await ann.order(order('open-door'))
      assert.equal(straight.status, 202)
      const { place } = (await ann.join('open-door')).body
      assert.deepEqual([place.active, place.admitted], [false, true])
      assert.equal((await ann.order(order('open-door'))).status, 202, 'a room in auto that has not switched on')
    })

    test('without a script: the form is sent to the waiting room, and orders with the token the room left in a cookie', async () => {
      const boss = admin(node.url)
      await boss.set('form-door', { mode: 'on', ratePerSecond: 0 })
      const ann = visitor(node.url)
      const form = { showtimeId: 'form-door', tickets: '2', email: 'ann@example.com' }
      const turnedAway = await ann.submit('/orders', form)
      assert.deepEqual([turnedAway.status, turnedAway.headers.get('location')], [303, '/waiting-room/form-door'])

      const joined = await ann.submit('/waiting-room/form-door', {})
      assert.deepEqual([joined.status, joined.headers.get('location')], [303, '/waiting-room/form-door'])
      assert.ok(ann.cookies.get('popcorn_place_form-door'))
      await boss.set('form-door', { mode: 'on', ratePerSecond: 50 })
      await eventually(async () => assert.match((await ann.call('GET', '/waiting-room/form-door')).body, /It is your turn/))
      const ordered = await ann.submit('/orders', form)
      assert.equal(ordered.status, 303)
      assert.match(String(ordered.headers.get('location')), /^\/orders\/[0-9a-f-]{36}$/)
    })

    test('over the socket: join, watch, the status pushed while waiting and when let through, then order', { timeout: 60_000 }, async () => {
      const boss = admin(node.url)
      await boss.set('sockets', { mode: 'on', ratePerSecond: 0 })
      const ann = shopper()
      const { socket, outcomes } = await ann.connect(node.url)
      const pushed: { admitted: boolean; position: number }[] = []
      socket.on('waiting-room:status', (status) => pushed.push(status))
      try {
        const joined = (await socket.emitWithAck('waiting-room:join', { showtimeId: 'sockets' })) as Ack
        assert.equal(joined.ok, true)
        assert.deepEqual([joined.place!.position, joined.place!.admitted, joined.place!.active], [1, false, true])
        const watched = (await socket.emitWithAck('waiting-room:watch', { token: joined.token })) as Ack
        assert.deepEqual([watched.ok, watched.place!.position], [true, 1])
        await eventually(() => assert.ok(pushed.length >= 2 && pushed.every((s) => !s.admitted && s.position === 1), JSON.stringify(pushed)))

        const refused = (await socket.emitWithAck('order:submit', order('sockets', { placeToken: joined.token }))) as Ack
        assert.deepEqual([refused.ok, refused.error!.code], [false, 'NOT_YOUR_TURN'])

        await boss.set('sockets', { mode: 'on', ratePerSecond: 50 })
        await eventually(() => assert.equal(pushed.at(-1)?.admitted, true))
        const placed = (await socket.emitWithAck('order:submit', order('sockets', { placeToken: joined.token }))) as Ack
        assert.equal(placed.ok, true, JSON.stringify(placed))
        await eventually(() => assert.equal(outcomes.get(placed.orderId!)?.outcome, 'accepted'))

        const bob = await shopper().connect(node.url)
        const foreign = (await bob.socket.emitWithAck('waiting-room:watch', { token: joined.token })) as Ack
        assert.equal(foreign.error?.code, 'PLACE_TOKEN_NOT_YOURS')
        for (const [event, payload] of [['waiting-room:join', {}], ['waiting-room:join', 'sockets'], ['waiting-room:join', { showtimeId: 'Bad Id' }], ['waiting-room:watch', { token: 5 }], ['waiting-room:watch', null]] as const) {
          const answer = (await bob.socket.emitWithAck(event, payload)) as Ack
          assert.deepEqual([answer.ok, answer.error?.code], [false, 'BAD_REQUEST'], `${event} ${JSON.stringify(payload)}`)
        }
        bob.socket.close()
      } finally {
        ann.close()
      }
    })
  })
}
