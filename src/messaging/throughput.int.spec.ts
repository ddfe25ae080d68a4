import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { eventually } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes } from '../../test/support/shapes.ts'
import { createBus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { handle } from './handler.ts'
import { defineCommand, MessageCatalog } from './message.ts'
import { handledPerSecond, waitedLastSecond } from './throughput.ts'

const Work = defineCommand('test.Work', 'worker', z.object({ key: z.string(), n: z.number().int() }), { partitions: { count: 2, key: (m) => m.key } })

for (const shape of shapes) {
  describe(`throughput from the inbox on ${shape.name}`, () => {
    test('counts handled messages per whole second for the queues with a prefix, oldest first', async () => {
      const world = await shape.create()
      try {
        // One transaction: now() is its start, so the whole seconds cannot move on between the writes and the reads.
        await world.db.transaction(async (tx) => {
          const at = async (queue: string, secondsAgo: number) =>
            tx.query(`insert into messaging.inbox (queue, message_id, handled_at) values ($1, $2, date_trunc('second', now()) - make_interval(secs => $3) + interval '0.5 second')`,
              [queue, randomUUID(), secondsAgo])
          for (let i = 0; i < 3; i++) await at('ordering.p0', 2)
          await at('ordering.p5', 2)
          await at('ordering.p1', 4)
          await at('ordering', 2) // the endpoint's own queue is not one of its partitions
          await at('drawing.p0', 2)
          await at('ordering.p2', 20) // outside the window
          await at('ordering.p2', -1) // the running second is not over yet

          assert.deepEqual(await handledPerSecond(tx, 'ordering.p', 5), [0, 1, 0, 4, 0])
          assert.deepEqual(await handledPerSecond(tx, 'ordering.p', 5, { busiestQueue: true }), [0, 1, 0, 3, 0])
          assert.deepEqual(await handledPerSecond(tx, 'nothing.', 3), [0, 0, 0])
        })
      } finally {
        await world.destroy()
      }
    })

    test('says how long the messages handled in the last whole second waited (90th percentile), and nothing when none were', async () => {
      const world = await shape.create()
      try {
        // One transaction: now() is its start, so the whole seconds cannot move on between the writes and the read.
        await world.db.transaction(async (tx) => {
          const handled = async (queue: string, secondsAgo: number, waitedMs: number | null) =>
            tx.query(
              `insert into messaging.inbox (queue, message_id, handled_at, sent_at)
               select $1, $2, h, h - make_interval(secs => $4::double precision / 1000)
               from (select date_trunc('second', now()) - make_interval(secs => $3) + interval '0.5 second' as h) as t`,
              [queue, randomUUID(), secondsAgo, waitedMs])
          assert.equal(await waitedLastSecond(tx, 'ordering.p'), null)
          for (let i = 1; i <= 10; i++) await handled('ordering.p0', 1, i * 100)
          await handled('ordering.p0', 3, 60_000) // longer ago
          await handled('drawing.p0', 1, 60_000) // another endpoint's partition
          await handled('ordering.p1', 1, null) // handled before the inbox kept when messages were sent
          assert.equal(Math.round((await waitedLastSecond(tx, 'ordering.p'))!), 910)
        })
      } finally {
        await world.destroy()
      }
    })

    test('sees what an endpoint handled, on this transport', async () => {
      const world = await shape.create()
      const bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog([Work]), logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      try {
        let handled = 0
        await bus.start(defineEndpoint({ name: 'worker', partitions: 2, handlers: [handle(Work, () => void handled++)] }))
        const session = bus.session('sender')
        for (let n = 0; n < 20; n++) await session.send(Work, { key: `k${n % 3}`, n })
        await eventually(() => assert.equal(handled, 20))
        await eventually(async () => assert.equal((await handledPerSecond(world.db, 'worker.p', 30)).reduce((a, b) => a + b, 0), 20), { what: 'the handled seconds to be over' })
      } finally {
        await bus.stop()
        await world.destroy()
      }
    })
  })
}
