import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { createDbQueueTransport } from './db-queue.ts'

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

    test('a live temporary queue is kept alive past its time to live', async () => {
      const world = await shape.create()
      try {
        const alive = await createDbQueueTransport(world.db, { logger: testLogger, leaseMs: 600, pollMs: 100 })
        await alive.declare({ queue: 'web.here', events: ['test.Happened'], temporary: true })
        await new Promise((resolve) => setTimeout(resolve, 2_000))
        assert.equal((await world.db.query(`select 1 from messaging.subscriptions where queue = 'web.here'`)).rowCount, 1)
        await alive.remove({ queue: 'web.here', events: [], temporary: true })
        assert.equal((await world.db.query(`select 1 from messaging.temporary_queues`)).rowCount, 0)
        await alive.close()
      } finally {
        await world.destroy()
      }
    })
  })
}
