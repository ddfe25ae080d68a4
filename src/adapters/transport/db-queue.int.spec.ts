import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import type { Delivery, EndpointSpec, Transport } from '../../messaging/transport.ts'
import { createDbQueueTransport } from './db-queue.ts'

const solo: EndpointSpec = { queue: 'solo', events: [], temporary: false, singleActiveConsumer: true }

/** Consumers of one single-active-consumer queue, as if in several processes: who got what, and how many at once. */
const soloConsumers = (world: World) => {
  const received: { by: string; body: string }[] = []
  const inHand = new Map<string, number>()
  let mostConsumersAtOnce = 0
  const consume = async (transport: Transport, by: string) => {
    await transport.declare(solo)
    return transport.consume(solo.queue, async (delivery: Delivery) => {
      inHand.set(by, (inHand.get(by) ?? 0) + 1)
      mostConsumersAtOnce = Math.max(mostConsumersAtOnce, [...inHand.values()].filter((n) => n > 0).length)
      await new Promise((resolve) => setTimeout(resolve, 5)) // no database transaction held: PGlite cannot serialise this
      received.push({ by, body: delivery.raw.body })
      inHand.set(by, inHand.get(by)! - 1)
      await world.db.transaction((tx) => delivery.completeWithin(tx))
      await delivery.ack()
    }, { concurrency: 4 }) // one consumer at a time, not one message: the bus asks for concurrency 1 on partitions
  }
  const send = async (...bodies: string[]) => {
    const flush = await world.db.transaction((tx) => world.transport.enqueue(tx, bodies.map((body) => ({
      destination: { queue: solo.queue }, messageId: crypto.randomUUID(), message: { headers: {}, body },
    }))))
    await flush()
  }
  const by = (bodies: string[]) => bodies.map((body) => received.filter((r) => r.body === body).map((r) => r.by).join())
  return { consume, send, by, received, mostConsumersAtOnce: () => mostConsumersAtOnce }
}

for (const shape of shapes.filter((s) => s.name.includes('database queue'))) {
  describe(`the database queue on ${shape.name}`, () => {
    test('the temporary queue of a process that died without removing it expires, with what waited in it', async () => {
      const world = await shape.create()
      try {
        const dead = await createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 600, pollMs: 100 })
        await dead.declare({ queue: 'web.gone', events: ['test.Happened'], temporary: true })
        await dead.close() // the process dies: nobody calls remove()
        const flush = await world.db.transaction((tx) => world.transport.enqueue(tx, [{
          destination: { topic: 'test.Happened' }, messageId: crypto.randomUUID(), message: { headers: {}, body: '{}' },
        }]))
        await flush()
        assert.equal((await world.db.query(`select 1 from messaging.queue where queue = 'web.gone'`)).rowCount, 1)

        await eventually(async () => {
          assert.equal((await world.db.query(`select 1 from messaging.subscriptions where queue = 'web.gone'`)).rowCount, 0)
          assert.equal((await world.db.query(`select 1 from messaging.queue where queue = 'web.gone'`)).rowCount, 0)
        })
      } finally {
        await world.destroy()
      }
    })

    test('a single-active-consumer queue is consumed by one consumer at a time; the next takes over when it stops', async () => {
      const world = await shape.create()
      // A lease far longer than the test may wait: a takeover within it comes from the owner giving up its row.
      const processes = await Promise.all([1, 2].map(() => createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 60_000, pollMs: 100 })))
      try {
        const queue = soloConsumers(world)
        const first = await queue.consume(processes[0]!, 'first')
        await eventually(async () => assert.equal((await world.db.query('select 1 from messaging.queue_owners')).rowCount, 1))
        await queue.consume(processes[1]!, 'second')

        await queue.send('m1', 'm2', 'm3', 'm4', 'm5')
        await eventually(() => assert.deepEqual(queue.by(['m1', 'm2', 'm3', 'm4', 'm5']), ['first', 'first', 'first', 'first', 'first']))

        await first.stop()
        await queue.send('m6', 'm7', 'm8')
        await eventually(() => assert.deepEqual(queue.by(['m6', 'm7', 'm8']), ['second', 'second', 'second']))
        assert.equal(queue.mostConsumersAtOnce(), 1)
      } finally {
        for (const transport of processes) await transport.close()
        await world.destroy()
      }
    })

    test("a single-active-consumer queue whose owner died is taken over when the owner's lease runs out", async () => {
      const world = await shape.create()
      const transport = await createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 600, pollMs: 100 })
      try {
        await world.db.query(`insert into messaging.queue_owners (queue, owner, expires_at) values ('solo', 'a process that died', now() + interval '5 seconds')`)
        const queue = soloConsumers(world)
        await queue.consume(transport, 'heir')
        await queue.send('m1')
        await new Promise((resolve) => setTimeout(resolve, 500))
        assert.deepEqual(queue.received, [], 'nothing is taken while the lease of the owner lasts')

        await eventually(() => assert.deepEqual(queue.by(['m1']), ['heir']))
        const owners = (await world.db.query<{ owner: string }>('select owner from messaging.queue_owners')).rows
        assert.equal(owners.length, 1)
        assert.notEqual(owners[0]!.owner, 'a process that died')
      } finally {
        await transport.close()
        await world.destroy()
      }
    })

    test('one consumer reads its queue without leases; it counts deliveries only when it takes the queue over', async () => {
      const world = await shape.create()
      const transport = await createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 600, pollMs: 100 })
      try {
        const queue = soloConsumers(world)
        await queue.send('m1')
        // Handed to two owners before, both of which died with it in hand.
        await world.db.query(`update messaging.queue set deliveries = 2 where queue = 'solo'`)
        const seen: { body: string; count: number }[] = []
        let letGo = () => {}
        const holding = new Promise<void>((resolve) => { letGo = resolve })
        await transport.declare(solo)
        await transport.consume(solo.queue, async (delivery) => {
          seen.push({ body: delivery.raw.body, count: delivery.deliveryCount })
          await holding
          await world.db.transaction((tx) => delivery.completeWithin(tx))
          await delivery.ack()
        }, { concurrency: 8 })
        await eventually(() => assert.equal(seen.length, 1))
        await queue.send('m2', 'm3')
        await eventually(() => assert.equal(seen.length, 3))
        await queue.send('m4') // read while m1–m3 are in hand
        await eventually(() => assert.equal(seen.length, 4))
        const stored = (await world.db.query<{ body: string; deliveries: number; leased: boolean }>(
          `select body, deliveries, locked_until is not null as leased from messaging.queue order by id`)).rows
        assert.deepEqual(stored, [
          { body: 'm1', deliveries: 3, leased: true },
          { body: 'm2', deliveries: 0, leased: false },
          { body: 'm3', deliveries: 0, leased: false },
          { body: 'm4', deliveries: 0, leased: false },
        ], 'the takeover counted and leased what it found; later reads wrote nothing')
        letGo()
        await eventually(async () => assert.equal((await world.db.query('select 1 from messaging.queue')).rowCount, 0))
        assert.deepEqual(seen, [{ body: 'm1', count: 3 }, { body: 'm2', count: 1 }, { body: 'm3', count: 1 }, { body: 'm4', count: 1 }], 'each handed over once')
      } finally {
        await transport.close()
        await world.destroy()
      }
    })

    test('a live temporary queue is kept alive past its time to live', async () => {
      const world = await shape.create()
      try {
        // Time to live 1.5 s, renewed every 0.5 s: only a stall of a second could let it lapse while alive.
        const alive = await createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 1_500, pollMs: 100 })
        await alive.declare({ queue: 'web.here', events: ['test.Happened'], temporary: true })
        await new Promise((resolve) => setTimeout(resolve, 4_000))
        assert.equal((await world.db.query(`select 1 from messaging.subscriptions where queue = 'web.here'`)).rowCount, 1)
        await alive.remove({ queue: 'web.here', events: [], temporary: true })
        assert.equal((await world.db.query(`select 1 from messaging.temporary_queues`)).rowCount, 0)
        await alive.close()
      } finally {
        await world.destroy()
      }
    })

    // PostgreSQL's autovacuum does this on its own schedule; PGlite has none, so the transport does it.
    if (shape.name.startsWith('pglite')) test('on PGlite the queue\'s table gives back the space of the messages it handled', async () => {
      const world = await shape.create()
      const transport = await createDbQueueTransport(world.db, { logger: testLogger, vacuumMs: 50 })
      try {
        const size = async () => (await world.db.query<{ pages: number }>(`select pg_relation_size('messaging.queue')::int / 8192 as pages`)).rows[0]!.pages
        const before = await size()
        const body = JSON.stringify({ note: 'x'.repeat(300) })
        const flush = await world.db.transaction((tx) => transport.enqueue(tx, Array.from({ length: 3_000 }, () => ({
          destination: { queue: 'churn' }, messageId: crypto.randomUUID(), message: { headers: {}, body },
        }))))
        await flush()
        const full = await size()
        assert.ok(full > before + 50, `3,000 messages take pages: ${before} → ${full}`)
        let handled = 0
        const consumer = await transport.consume('churn', async (delivery) => {
          await world.db.transaction((tx) => delivery.completeWithin(tx))
          handled++
        }, { concurrency: 500 })
        await eventually(() => assert.equal(handled, 3_000), { timeoutMs: 60_000 })
        await consumer.stop()
        // Without VACUUM the deleted rows keep every page they had.
        await eventually(async () => assert.ok(await size() <= before + 1, `the table is back to ${before} pages (now ${await size()})`), { timeoutMs: 30_000 })
      } finally {
        await transport.close()
        await world.destroy()
      }
    })
  })
}
