import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { SignJWT } from 'jose'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor, type Visitor } from '../../../test/support/visitor.ts'
import { loadConfig } from '../../config.ts'
import { ordering } from '../ordering/index.ts'
import { waitingRoom } from './index.ts'
import { placeTokens } from './place-token.ts'
import { roomDeps } from './settings.ts'
import { tickRooms } from './ticker.ts'

const rooms = ['fcfs', 'single', 'tokens', 'guarded', 'switches', 'auto-hot', 'two-nodes', 'probing', 'sells-out'] as const
const env = { POPCORN_WAITING_ROOM_TICK_MS: '100', POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '100000' }

const count = async (node: PopcornNode, sql: string, params: unknown[] = []) => (await node.world.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]!.n

for (const shape of shapes) {
  describe(`the waiting room on ${shape.name}`, () => {
    let node: PopcornNode

    before(async () => {
      node = await startPopcornNode(shape, [ordering, waitingRoom], env)
      for (const id of rooms) await node.schedule(showtime(id, id === 'sells-out' ? { capacity: 2 } : {}))
      await eventually(async () => assert.equal(await count(node, 'waiting_room.showtimes'), rooms.length), { timeoutMs: 60_000, what: 'the showtimes known to the waiting room' })
    })
    after(async () => node?.stop())

    test('first come, first served: places in the order of joining, let through in that order', { timeout: 120_000 }, async () => {
      const boss = admin(node.url)
      assert.equal((await boss.set('fcfs', { mode: 'on', ratePerSecond: 0 })).status, 200)
      const crowd = Array.from({ length: 40 }, () => visitor(node.url))
      const together = await Promise.all(crowd.map((v) => v.join('fcfs')))
      assert.deepEqual(together.map((a) => a.status), crowd.map(() => 200))
      assert.deepEqual(together.map((a) => a.body.place.position).sort((a, b) => a - b), crowd.map((_, i) => i + 1), 'joining at once: each a place of its own')
      const late: Visitor[] = []
      for (let i = 0; i < 10; i++) {
        const v = visitor(node.url)
        const joined = await v.join('fcfs')
        assert.deepEqual([joined.body.place.position, joined.body.place.admitted, joined.body.place.active], [41 + i, false, true])
        late.push(v)
      }
      const queue = [...crowd.map((v, i) => ({ v, position: together[i]!.body.place.position as number, token: together[i]!.body.token as string })),
        ...late.map((v, i) => ({ v, position: 41 + i, token: '' }))].sort((a, b) => a.position - b.position)

      assert.equal((await boss.set('fcfs', { mode: 'on', ratePerSecond: 25 })).status, 200)
      // From the back of the queue forward: someone let through means everyone ahead was let through before.
      await eventually(async () => {
        let someoneBehindIn = false
        for (const { v, position } of [...queue].reverse()) {
          const { place } = (await v.mine('fcfs')).body
          if (someoneBehindIn) assert.equal(place.admitted, true, `number ${position} waits while someone behind was let through`)
          someoneBehindIn ||= place.admitted
        }
        assert.ok(someoneBehindIn && (await queue[queue.length - 1]!.v.mine('fcfs')).body.place.admitted, 'everyone let through')
      }, { timeoutMs: 60_000, intervalMs: 200 })
    })

    test('one place per browser session: joining again keeps it, with a fresh token; a closed tab comes back to it', async () => {
      await admin(node.url).set('single', { mode: 'on', ratePerSecond: 0 })
      const ann = visitor(node.url)
      const bob = visitor(node.url)
      const first = await ann.join('single')
      assert.equal((await bob.join('single')).body.place.position, 2)
      const again = await ann.join('single')
      assert.equal(again.body.place.position, 1)
      assert.equal((await ann.mine('single', again.body.token)).body.place.position, 1, 'the new token is good for the same place')
      assert.equal((await ann.mine('single', first.body.token)).body.place.position, 1, 'and so is the first, until it runs out')
      assert.equal(await count(node, `waiting_room.places where showtime_id = 'single'`), 2)

      // The tab closed: the cookie still has the token, and the page shows the place.
      assert.match(String(ann.cookies.get('popcorn_place_single')), /^ey/)
      assert.equal((await ann.mine('single')).body.place.position, 1)
      const page = await ann.call('GET', '/waiting-room/single')
      assert.equal(page.status, 200)
      assert.match(page.body, /You are number 1 in the queue/)
      assert.match(page.body, /id="room-position">1</)
    })

    test('a token is refused for another browser, when forged, for another room, and when it ran out', async () => {
      await admin(node.url).set('tokens', { mode: 'on', ratePerSecond: 0 })
      const ann = visitor(node.url)
      const { token } = (await ann.join('tokens')).body
      const refused = async (answer: Promise<{ status: number; body: { error: { code: string; message: string } } }>, status: number, code: string) => {
        const { status: actual, body } = await answer
        assert.deepEqual([actual, body.error.code], [status, code], body.error.message)
        return body.error.message
      }
      await refused(visitor(node.url).mine('tokens', token), 403, 'PLACE_TOKEN_NOT_YOURS')

      const [header, payload, signature] = token.split('.')
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
      const elsewhere = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(randomBytes(32))
      assert.match(await refused(ann.mine('tokens', elsewhere), 401, 'PLACE_TOKEN_INVALID'), /not signed by Popcorn/)
      const moved = Buffer.from(JSON.stringify({ ...claims, place: 1_000 })).toString('base64url')
      await refused(ann.mine('tokens', `${header}.${moved}.${signature}`), 401, 'PLACE_TOKEN_INVALID')
      await refused(ann.mine('tokens', 'not.a.token'), 401, 'PLACE_TOKEN_INVALID')
      await refused(ann.mine('single', token), 401, 'PLACE_TOKEN_INVALID')

      const signer = placeTokens({ db: node.world.db, ttlMs: 60_000 })
      const old = await signer.sign({ showtimeId: 'tokens', place: claims.place, browserSession: ann.session }, new Date(Date.now() - 3_600_000))
      assert.match(await refused(ann.mine('tokens', old), 410, 'PLACE_TOKEN_EXPIRED'), /run out/)
      assert.equal((await ann.mine('tokens', token)).status, 200, 'the good token still works')
    })

    test('bad input gets a clear 400 (or 404) and changes nothing', async () => {
      const before = await count(node, 'waiting_room.rooms')
      const ann = visitor(node.url)
      for (const [path, status] of [['/api/waiting-room/Not%20An%20Id!/places', 400], ['/api/waiting-room/no-such-showtime/places', 404], [`/api/waiting-room/${'x'.repeat(90)}/places`, 400]] as const) {
        const answer = await ann.call('POST', path)
        assert.equal(answer.status, status, JSON.stringify(answer.body))
        assert.ok(answer.body.error.message)
      }
      assert.equal((await ann.mine('tokens', 'y'.repeat(3_000))).status, 400)
      assert.equal((await ann.mine('tokens')).status, 404, 'no token, no place')
      assert.equal((await ann.call('GET', '/waiting-room/no-such-showtime')).status, 404)
      assert.equal(await count(node, 'waiting_room.rooms'), before)
      assert.equal(await count(node, 'waiting_room.places where browser_session = $1', [ann.session]), 0)
    })

    test('the admin forces a room on and off, fixes its outflow, and sees every room', async () => {
      const boss = admin(node.url)
      const on = await boss.set('switches', { mode: 'on', ratePerSecond: 0 })
      assert.deepEqual([on.body.room.mode, on.body.room.active, on.body.room.ratePerSecond], ['on', true, 0])
      const people = [visitor(node.url), visitor(node.url), visitor(node.url)]
      for (const p of people) assert.equal((await p.join('switches')).body.place.admitted, false)
      const listed = (await boss.rooms()).rooms.find((r) => r.showtimeId === 'switches')!
      assert.deepEqual([listed.mode, listed.active, listed.waiting, listed.ratePerSecond, listed.fixedRatePerSecond], ['on', true, 3, 0, 0])
      assert.equal(typeof listed.arrivalsPerSecond, 'number')
      assert.ok(listed.capacityPerSecond >= 20, 'the capacity floor')

      for (const bad of [{ mode: 'maybe' }, { mode: 'on', ratePerSecond: -1 }, { mode: 'on', extra: true }, 'on', { ratePerSecond: 5 }]) {
        const answer = await boss.set('switches', bad)
        assert.equal(answer.status, 400, JSON.stringify(bad))
      }
      assert.equal((await boss.set('no-such-showtime', { mode: 'on' })).status, 404)
      assert.deepEqual((await boss.rooms()).rooms.find((r) => r.showtimeId === 'switches')!.ratePerSecond, 0, 'nothing changed')

      await boss.set('switches', { mode: 'on', ratePerSecond: 50 })
      await eventually(async () => assert.equal((await people[2]!.mine('switches')).body.place.admitted, true))
      assert.equal((await boss.rooms()).rooms.find((r) => r.showtimeId === 'switches')!.waiting, 0)

      await boss.set('switches', { mode: 'on', ratePerSecond: 0 })
      const waiting = visitor(node.url)
      assert.equal((await waiting.join('switches')).body.place.admitted, false)
      const off = await boss.set('switches', { mode: 'off' })
      assert.deepEqual([off.body.room.mode, off.body.room.active, off.body.room.fixedRatePerSecond], ['off', false, 0], 'a rate left out is kept')
      assert.deepEqual((await waiting.mine('switches')).body.place.admitted, true, 'switched off: whoever waited is in')
      assert.equal((await visitor(node.url).join('switches')).body.place.admitted, true, 'and newcomers at once')

      const page = await boss.call('GET', '/admin/waiting-rooms')
      assert.equal(page.status, 200)
      assert.match(page.body, /data-room="switches"/)
      assert.equal((await boss.set('switches', { mode: 'auto', ratePerSecond: null })).body.room.fixedRatePerSecond, null)
    })

    test('web nodes ticking at the same moment let people through once, not once each', async () => {
      const boss = admin(node.url)
      await boss.set('two-nodes', { mode: 'on', ratePerSecond: 0 })
      await Promise.all(Array.from({ length: 50 }, () => visitor(node.url).join('two-nodes')))
      await boss.set('two-nodes', { mode: 'on', ratePerSecond: 10 })
      // Two seconds since the last tick, an hour ahead: this node's own ticker (on the real clock) lets nobody through.
      // A new version, as a tick writes: a tick of that ticker read before this update must not overwrite it.
      const at = new Date(Date.now() + 3_600_000)
      await node.world.db.query(`update waiting_room.rooms set ticked_at = $1, admitted_through = 0, credit = 0, version = version + 1 where showtime_id = 'two-nodes'`, [new Date(at.getTime() - 2_000)])
      const nodes = [1, 2, 3].map(() => ({ ...roomDeps({ db: node.world.db, config: loadConfig(env) }), clock: () => at }))
      for (let round = 0; round < 3; round++) await Promise.all(nodes.map((deps) => tickRooms(deps)))
      const { rows } = await node.world.db.query<{ through: number; admitted: number }>(
        `select admitted_through as through, (select count(*)::int from waiting_room.places where showtime_id = 'two-nodes' and admitted_at is not null) as admitted
         from waiting_room.rooms where showtime_id = 'two-nodes'`)
      assert.deepEqual(rows[0], { through: 20, admitted: 20 }, 'two seconds at 10 a second')
    })

    test('the outflow is cut while the writers\' orders wait too long, and probes upward again once they keep up', async () => {
      const boss = admin(node.url)
      await boss.set('probing', { mode: 'on', ratePerSecond: 0 })
      await Promise.all(Array.from({ length: 300 }, () => visitor(node.url).join('probing')))
      // Orders the ordering writers handled over the last seconds and the next one, each having waited `ms`: whichever
      // second is the last whole one when the tick reads it, they are in it.
      const writersWaited = async (ms: number) => {
        await node.world.db.query(`delete from messaging.inbox where queue = 'ordering.p0'`)
        await node.world.db.query(
          `insert into messaging.inbox (queue, message_id, handled_at, sent_at)
           select 'ordering.p0', gen_random_uuid(), h, h - make_interval(secs => $1::double precision / 1000)
           from generate_series(now() - interval '2.5 seconds', now() + interval '1.5 seconds', interval '100 milliseconds') as h`, [ms])
      }
      // An hour ahead, as in the test above, so that this node's own ticker lets nobody through meanwhile.
      const at = new Date(Date.now() + 3_600_000)
      await boss.set('probing', { mode: 'auto', ratePerSecond: null })
      await node.world.db.query(
        `update waiting_room.rooms set active = true, rate = 100, rate_ceiling = null, admitted_through = 0, credit = 0, ticked_at = $1, version = version + 1
         where showtime_id = 'probing'`, [new Date(at.getTime() - 1_000)])
      const deps = { ...roomDeps({ db: node.world.db, config: loadConfig(env) }), clock: () => at }
      const probing = async () => (await node.world.db.query<{ rate: number; ceiling: number | null; through: number }>(
        `select rate, rate_ceiling as ceiling, admitted_through as through from waiting_room.rooms where showtime_id = 'probing'`)).rows[0]!

      await writersWaited(3_000)
      await tickRooms(deps)
      assert.deepEqual(await probing(), { rate: 50, ceiling: 50, through: 100 }, 'a second at 100 let through, then cut in half')

      await writersWaited(300)
      deps.clock = () => new Date(at.getTime() + 1_000)
      await tickRooms(deps)
      assert.deepEqual(await probing(), { rate: 100, ceiling: 50, through: 150 }, 'a second at 50 let through, then 50 a second more')

      await writersWaited(20)
      deps.clock = () => new Date(at.getTime() + 2_000)
      await tickRooms(deps)
      assert.deepEqual(await probing(), { rate: 200, ceiling: null, through: 250 }, 'waits well under the target: the cut forgotten, doubled')
    })

    test('auto: switches on by itself when arrivals exceed what the workers take', { timeout: 120_000 }, async () => {
      const boss = admin(node.url)
      const before = (await boss.rooms())
      assert.equal(before.rooms.find((r) => r.showtimeId === 'auto-hot'), undefined, 'no room yet')
      const first = await visitor(node.url).join('auto-hot')
      assert.deepEqual([first.body.place.active, first.body.place.admitted], [false, true], 'one visitor on a quiet system goes straight in')

      const crowd = Array.from({ length: 400 }, () => visitor(node.url))
      await Promise.all(crowd.map((v) => v.join('auto-hot')))
      const room = await eventually(async () => {
        const hot = (await boss.rooms()).rooms.find((r) => r.showtimeId === 'auto-hot')!
        assert.equal(hot.active, true, `arrivals ${hot.arrivalsPerSecond}/s, capacity ${hot.capacityPerSecond}/s`)
        return hot
      }, { timeoutMs: 30_000, intervalMs: 50 })
      assert.equal(room.mode, 'auto')
      assert.ok(room.arrivalsPerSecond > 0)
      const latecomer = await visitor(node.url).join('auto-hot')
      assert.deepEqual([latecomer.body.place.active, latecomer.body.place.admitted], [true, false], 'now the queue forms')
      assert.ok(latecomer.body.place.ratePerSecond >= 20, 'let through at the measured capacity (never below its floor)')
    })

    test('a sold-out showing\'s crowd is not queued: each is let through at once and told sold out at once', { timeout: 120_000 }, async () => {
      const first = visitor(node.url)
      const joined = await first.join('sells-out')
      assert.equal(joined.body.place.admitted, true)
      const bought = await first.order({ showtimeId: 'sells-out', tickets: 2, email: 'first@example.com', placeToken: joined.body.token })
      assert.equal(bought.status, 202, JSON.stringify(bought.body))
      await eventually(async () => assert.equal((await (await fetch(`${node.url}/api/showtimes/sells-out/seats`)).json() as { seatsLeft: number }).seatsLeft, 0), { what: 'the writer sold the last seats' })

      const crowd = Array.from({ length: 400 }, () => visitor(node.url))
      await Promise.all(crowd.map((v) => v.join('sells-out')))
      // However many arrive, the room of a sold-out showing stays off and lets everyone through.
      const boss = admin(node.url)
      await eventually(async () => {
        const room = (await boss.rooms()).rooms.find((r) => r.showtimeId === 'sells-out')!
        assert.ok(room.arrivalsPerSecond > room.capacityPerSecond, `arrivals ${room.arrivalsPerSecond}/s measured above capacity ${room.capacityPerSecond}/s`)
        assert.equal(room.active, false)
      }, { timeoutMs: 30_000, intervalMs: 50 })
      const late = visitor(node.url)
      const place = (await late.join('sells-out')).body
      assert.deepEqual([place.place.active, place.place.admitted], [false, true])
      const told = await late.order({ showtimeId: 'sells-out', tickets: 1, email: 'late@example.com', placeToken: place.token })
      assert.equal(told.status, 200)
      assert.equal(told.body.status, 'sold-out')
    })
  })

  describe(`the waiting room's limits on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [ordering, waitingRoom], { ...env, POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '5', POPCORN_ADMIN_PASSWORD: 'popcorn-admin-pw' })
      await node.schedule(showtime('flooded'))
      await eventually(async () => assert.equal(await count(node, 'waiting_room.showtimes'), 1), { timeoutMs: 60_000 })
    })
    after(async () => node?.stop())

    test('a flood of joins from one address is throttled, and what it refused left nothing behind', async () => {
      const answers = []
      for (let i = 0; i < 12; i++) answers.push(await visitor(node.url).join('flooded'))
      assert.deepEqual(answers.map((a) => a.status), [...Array(5).fill(200), ...Array(7).fill(429)])
      assert.equal(answers[5]!.body.error.code, 'TOO_MANY_REQUESTS')
      assert.equal(await count(node, 'waiting_room.places'), 5)
    })

    test('a forwarded address nobody configured to trust is ignored: the flood is still one address', async () => {
      const answers = []
      for (let i = 0; i < 8; i++) answers.push((await visitor(node.url).call('POST', '/api/waiting-room/flooded/places', undefined, { 'x-forwarded-for': `198.51.100.${i}` })).status)
      assert.ok(answers.every((status) => status === 429), `all refused: ${answers.join(', ')}`)
    })

    test('the admin pages ask for the admin password, from this machine too', async () => {
      const stranger = await admin(node.url, null).call('GET', '/api/admin/waiting-rooms')
      assert.equal(stranger.status, 401)
      assert.match(String(stranger.headers.get('www-authenticate')), /^Basic/)
      assert.equal((await admin(node.url, 'popcorn-admin-pw').call('GET', '/api/admin/waiting-rooms')).status, 200)
      assert.equal((await admin(node.url, 'wrong-password').set('flooded', { mode: 'on' })).status, 401)
    })
  })

  describe(`the waiting room's limits behind a trusted proxy on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [ordering, waitingRoom], { ...env, POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '3', POPCORN_TRUST_PROXY: 'loopback' })
      await node.schedule(showtime('proxied'))
      await eventually(async () => assert.equal(await count(node, 'waiting_room.showtimes'), 1), { timeoutMs: 60_000 })
    })
    after(async () => node?.stop())

    test('each client the proxy names has a limit of its own, over HTTP and over the socket', async () => {
      const join = async (client: string) => (await visitor(node.url).call('POST', '/api/waiting-room/proxied/places', undefined, { 'x-forwarded-for': client })).status
      const crowd = await Promise.all(Array.from({ length: 6 }, (_, i) => join(`203.0.113.${i + 1}`)))
      assert.deepEqual(crowd, Array(6).fill(200), 'six people behind the proxy, one join each')
      const one = []
      for (let i = 0; i < 5; i++) one.push(await join('198.51.100.77'))
      assert.deepEqual(one, [200, 200, 200, 429, 429], 'one of them flooding is slowed down alone')

      const { io } = await import('socket.io-client')
      const socketJoin = async (client: string) => {
        const socket = io(node.url, { transports: ['websocket'], reconnection: false, extraHeaders: { 'x-forwarded-for': client } })
        try {
          await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject) })
          const answer = (await socket.emitWithAck('waiting-room:join', { showtimeId: 'proxied' })) as { ok: boolean; error?: { code: string } }
          return answer.ok ? 'ok' : answer.error?.code
        } finally {
          socket.close()
        }
      }
      assert.equal(await socketJoin('198.51.100.77'), 'TOO_MANY_REQUESTS', 'the same client over the socket')
      assert.equal(await socketJoin('203.0.113.99'), 'ok', 'another client over the socket')
    })
  })
}
