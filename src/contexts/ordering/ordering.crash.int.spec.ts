import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { startCluster } from '../../../test/support/cluster.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess } from '../../../test/support/popcorn-process.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { openTransport, shapes } from '../../../test/support/shapes.ts'
import { openDatabase } from '../../adapters/db/open.ts'
import { createBus } from '../../messaging/bus.ts'
import { MessageCatalog } from '../../messaging/message.ts'
import { ordering } from './index.ts'
import { SubmitOrder } from './messages.ts'
import { receiveOrder } from './orders.ts'
import { shopper, type Shopper } from '../../../test/support/shoppers.ts'

const showtimeId = 'top-gun-maverick-eindhoven-1'
const total = 1_000

/**
 * 100 browsers place 10 one-ticket orders each over HTTP; an order is acknowledged when it answers 202. Once the web
 * node's view shows the showing sold out, the rest are answered "sold out" at once (200), with nothing stored: the
 * acknowledged ones are the orders to follow through the crash.
 */
const placeOrders = async (url: string, shoppers: Shopper[]) => {
  const placed = await Promise.all(shoppers.flatMap((s) =>
    Array.from({ length: total / shoppers.length }, (_, i) => s.order(url, { showtimeId, tickets: 1, email: `fan-${i}-${randomUUID()}@example.com` }))))
  assert.ok(placed.every((p) => p.status === 202 || (p.status === 200 && p.answer === 'sold-out')), 'every order acknowledged, or sold out at once')
  return placed.filter((p) => p.status === 202).map((p) => p.orderId!)
}

const outcomesOf = async (url: string, orderIds: string[]) =>
  Promise.all(orderIds.map(async (id) => ((await (await fetch(`${url}/api/orders/${id}`)).json()) as { status: string }).status))

for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`a worker killed with SIGKILL in the middle of ${total} orders on ${shape.name}`, () => {
    test('after a new worker starts, every acknowledged order is answered once; none lost, none oversold', { timeout: 400_000 }, async () => {
      // Small batches, so that the writer is still deciding when the first answers come back and the kill lands mid-way.
      const cluster = await startCluster(shape, { web: 1, worker: 1 }, { POPCORN_BATCH_SIZE: '20' })
      const shoppers = Array.from({ length: 100 }, () => shopper())
      try {
        const url = cluster.urls[0]!
        const { capacity } = await cluster.seatsOf(showtimeId)
        const sockets = await Promise.all(shoppers.map((s) => s.connect(url)))
        const answered = () => sockets.reduce((n, s) => n + s.outcomes.size, 0)
        // Killed at the first answer, while orders are still arriving: the writer decides fast, and once its view shows
        // the showing sold out the web node answers the rest at once, so waiting for every acknowledgement first would
        // often find every stored order decided.
        const placing = placeOrders(url, shoppers)
        await eventually(() => assert.ok(answered() >= 1, 'not yet: answered() >= 1'), { timeoutMs: 120_000, intervalMs: 5, what: 'the first order answered' })
        cluster.workers[0]!.child.kill('SIGKILL')
        await cluster.workers[0]!.exited
        const answeredAtKill = answered()
        const orderIds = await placing
        assert.ok(answeredAtKill < orderIds.length, `killed mid-batch (${answeredAtKill} of ${orderIds.length} answered)`)
        await cluster.startWorker()

        await eventually(() => assert.equal(answered(), orderIds.length), { timeoutMs: 240_000, intervalMs: 250, what: 'every acknowledged order answered' })
        const pushed = sockets.flatMap((s) => [...s.outcomes.values()])
        assert.ok(pushed.every((o) => o.count === 1), 'each order answered once')
        const statuses = await outcomesOf(url, orderIds)
        assert.equal(statuses.filter((s) => s === 'accepted').length, Math.min(capacity, total), 'none oversold, none lost')
        assert.equal(statuses.filter((s) => s === 'received').length, 0)
        assert.deepEqual(await cluster.seatsOf(showtimeId), { showtimeId, capacity, seatsLeft: Math.max(0, capacity - total) })
      } finally {
        shoppers.forEach((s) => s.close())
        await cluster.stop()
      }
    })
  })
}

describe(`the embedded process killed with SIGKILL in the middle of ${total} orders`, () => {
  test('after a restart on the same data, every acknowledged order is decided; none lost, none oversold', { timeout: 400_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'popcorn-crash-'))
    const env = { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn' }
    const shoppers = Array.from({ length: 100 }, () => shopper())
    try {
      const first = startPopcornProcess('start', env)
      let url = await first.served
      const seats = await eventually(async () => {
        const response = await fetch(`${url}/api/showtimes/${showtimeId}/seats`)
        assert.ok(response.ok)
        return (await response.json()) as { capacity: number }
      }, { timeoutMs: 60_000 })
      const orderIds = await placeOrders(url, shoppers)
      await eventually(async () => {
        const sample = await outcomesOf(url, orderIds.filter((_, i) => i % 20 === 0))
        assert.ok(sample.filter((s) => s !== 'received').length >= 10)
      }, { timeoutMs: 120_000, intervalMs: 100, what: 'some orders decided' })
      first.child.kill('SIGKILL')
      await first.exited

      const second = startPopcornProcess('start', env)
      url = await second.served
      try {
        const statuses = await eventually(async () => {
          const all = await outcomesOf(url, orderIds)
          assert.equal(all.filter((s) => s === 'received').length, 0)
          return all
        }, { timeoutMs: 240_000, intervalMs: 1_000, what: 'every order decided after the restart' })
        assert.equal(statuses.filter((s) => s === 'accepted').length, Math.min(seats.capacity, total), 'none oversold, none lost')
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })
})

const batched = 5_000

for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`a worker killed with SIGKILL in the middle of ${batched} batched orders on ${shape.name}`, () => {
    test('after a new worker starts, each acknowledged order is decided once; none lost, none oversold', { timeout: 400_000 }, async () => {
      const cluster = await startCluster(shape, { web: 1, worker: 1 })
      const db = await openDatabase(cluster.settings.databaseUrl)
      const transport = await openTransport(db, cluster.settings)
      const bus = createBus({ db, transport, catalog: new MessageCatalog(ordering.messages), logger: testLogger, instanceId: 'crash-test' })
      try {
        const showing = await eventually(async () => {
          const row = (await db.query<{ showtimeId: string; capacity: number }>(
            `select showtime_id as "showtimeId", capacity from ordering.showtimes where policy = 'strict' and ticket_type = 'regular' order by capacity desc limit 1`)).rows[0]
          assert.ok(row)
          return row
        }, { timeoutMs: 60_000, what: 'a strict showtime opened' })
        // Acknowledged as a web node acknowledges: stored as received and sent, 250 to a transaction.
        const session = bus.session('web')
        const orderIds = Array.from({ length: batched }, () => randomUUID())
        const sending = (async () => {
          for (let start = 0; start < batched; start += 250) {
            await session.transaction(async (tx, out) => {
              for (const orderId of orderIds.slice(start, start + 250)) {
                const order = { orderId, showtimeId: showing.showtimeId, tickets: 1, email: `fan-${orderId}@example.com` }
                await receiveOrder(tx, { ...order, clientSession: null })
                out.send(SubmitOrder, order, { messageId: orderId })
              }
            })
          }
        })()
        // Awaited below; should the test fail before that, its own error must be the one reported, not this one's.
        sending.catch(() => {})
        const decided = async () => (await db.query<{ n: number }>(`select count(*)::int as n from ordering.orders where decided_at is not null`)).rows[0]!.n
        await eventually(async () => assert.ok(await decided() >= 500, 'not yet: await decided() >= 500'), { timeoutMs: 120_000, intervalMs: 20, what: '500 orders decided' })
        cluster.workers[0]!.child.kill('SIGKILL')
        await cluster.workers[0]!.exited
        await sending // orders go on being acknowledged while no worker runs
        const decidedAtKill = await decided()
        assert.ok(decidedAtKill < batched, `killed mid-way (${decidedAtKill} decided)`)
        await cluster.startWorker()

        await eventually(async () => assert.equal(await decided(), batched), { timeoutMs: 240_000, intervalMs: 500, what: 'every order decided' })
        const statuses = (await db.query<{ status: string; n: number }>(`select status, count(*)::int as n from ordering.orders group by status order by status`)).rows
        const sold = Math.min(showing.capacity, batched)
        assert.deepEqual(statuses, [{ status: 'accepted', n: sold }, ...(batched > sold ? [{ status: 'sold-out', n: batched - sold }] : [])], 'none lost, none oversold')
        const stream = (await db.query<{ seats: number; decisions: number; orders: number }>(
          `select sum(delta)::int as seats, count(*) filter (where type <> 'ShowtimeOpened')::int as decisions, count(distinct data->>'orderId')::int as orders
           from ordering.seat_events where showtime_id = $1`, [showing.showtimeId])).rows[0]!
        assert.deepEqual(stream, { seats: showing.capacity - sold, decisions: batched, orders: batched }, 'each order decided exactly once')
        assert.deepEqual(await cluster.seatsOf(showing.showtimeId), { showtimeId: showing.showtimeId, capacity: showing.capacity, seatsLeft: showing.capacity - sold })
      } finally {
        await bus.stop()
        await transport.close()
        await db.close()
        await cluster.stop()
      }
    })
  })
}
