import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { startCluster } from '../../../test/support/cluster.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess } from '../../../test/support/popcorn-process.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper, type Shopper } from '../../../test/support/shoppers.ts'

const showtimeId = 'top-gun-maverick-eindhoven-1'
const total = 1_000

/** 100 browsers place 10 one-ticket orders each over HTTP; an order is acknowledged when it answers 202. */
const placeOrders = async (url: string, shoppers: Shopper[]) => {
  const placed = await Promise.all(shoppers.flatMap((s) =>
    Array.from({ length: total / shoppers.length }, () => s.order(url, { showtimeId, tickets: 1, email: 'fan@example.com' }))))
  assert.ok(placed.every((p) => p.status === 202), 'every order acknowledged')
  return placed.map((p) => p.orderId!)
}

const outcomesOf = async (url: string, orderIds: string[]) =>
  Promise.all(orderIds.map(async (id) => ((await (await fetch(`${url}/api/orders/${id}`)).json()) as { status: string }).status))

for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`a worker killed with SIGKILL in the middle of ${total} orders on ${shape.name}`, () => {
    test('after a new worker starts, every acknowledged order is answered once; none lost, none oversold', { timeout: 400_000 }, async () => {
      const cluster = await startCluster(shape, { web: 1, worker: 1 })
      const shoppers = Array.from({ length: 100 }, () => shopper())
      try {
        const url = cluster.urls[0]!
        const { capacity } = await cluster.seatsOf(showtimeId)
        const sockets = await Promise.all(shoppers.map((s) => s.connect(url)))
        const answered = () => sockets.reduce((n, s) => n + s.outcomes.size, 0)
        const orderIds = await placeOrders(url, shoppers)

        await eventually(() => assert.ok(answered() >= 300), { timeoutMs: 120_000, what: '300 orders answered' })
        cluster.workers[0]!.child.kill('SIGKILL')
        await cluster.workers[0]!.exited
        const answeredAtKill = answered()
        assert.ok(answeredAtKill < total, `killed mid-batch (${answeredAtKill} answered)`)
        await cluster.startWorker()

        await eventually(() => assert.equal(answered(), total), { timeoutMs: 240_000, intervalMs: 250, what: 'every order answered' })
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
