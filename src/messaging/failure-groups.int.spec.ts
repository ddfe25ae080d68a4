import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { createBus, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { handle } from './handler.ts'
import { defineCommand, MessageCatalog } from './message.ts'

const Work = defineCommand('test.Work', 'worker', z.object({ key: z.string() }))
const catalog = new MessageCatalog([Work])
// Straight to the error queue: the grouping is what is tested here.
const policy = { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 }

/** Two places in our code that fail in their own ways. */
const burnProjector = () => {
  throw new Error('the projector is on fire')
}
const readTicket = (ticket: { seat?: { row: string } }) => ticket.seat!.row.toUpperCase()

for (const shape of shapes) {
  describe(`the error queue, grouped, on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let broken = true
    beforeEach(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'groups', recoverability: policy })
      broken = true
      await bus.start(defineEndpoint({
        name: 'worker',
        handlers: [handle(Work, async ({ key }, ctx) => {
          if (broken && key.startsWith('fire')) burnProjector()
          if (broken && key.startsWith('ticket')) readTicket({})
          await recordEffect(ctx.tx, 'work', key)
        })],
      }))
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('failures of one cause share a fingerprint and a third of another cause does not; a group retried succeeds once each', async () => {
      const sent = []
      for (const key of ['fire-1', 'fire-2', 'ticket-1']) sent.push(await bus.session('web').send(Work, { key }))
      await eventually(async () => assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 3, 'all three failed'), { what: 'the failures' })

      const byCause = await bus.errors.groups('fingerprint')
      assert.deepEqual(byCause.map((g) => g.count), [2, 1])
      assert.match(byCause[0]!.title, /^Error at burnProjector \(src\/messaging\/failure-groups\.int\.spec\.ts:\d+\)$/)
      assert.match(byCause[1]!.title, /^TypeError at readTicket \(src\/messaging\/failure-groups\.int\.spec\.ts:\d+\)$/)
      assert.equal(byCause[0]!.example, 'the projector is on fire')
      assert.deepEqual((await bus.errors.groups('type')).map((g) => [g.key, g.count]), [['test.Work', 3]])
      assert.deepEqual((await bus.errors.groups('queue')).map((g) => [g.key, g.count]), [['worker', 3]])

      // Searching: by correlation id, by type and attempts, by date.
      const one = await bus.errors.list({ correlationId: sent[2]!.correlationId, limit: 10, offset: 0 })
      assert.deepEqual(one.items.map((f) => f.messageId), [sent[2]!.messageId])
      assert.equal((await bus.errors.list({ messageType: 'test.Work', minAttempts: 1, limit: 10, offset: 0 })).total, 3)
      assert.equal((await bus.errors.list({ minAttempts: 2, limit: 10, offset: 0 })).total, 0)
      assert.equal((await bus.errors.list({ from: new Date(Date.now() + 60_000), limit: 10, offset: 0 })).total, 0)
      assert.equal((await bus.errors.list({ fingerprint: byCause[0]!.key, limit: 10, offset: 0 })).total, 2)

      broken = false
      assert.equal(await bus.errors.retryAll({ fingerprint: byCause[0]!.key }), 2)
      assert.equal(await bus.errors.retryAll({ fingerprint: byCause[0]!.key }), 0, 'a group retried is not retried again')
      await eventually(async () => assert.deepEqual((await effects(world.db)).map((e) => e.key).sort(), ['fire-1', 'fire-2'], 'each once'), { what: 'the retried group handled' })
      assert.equal(await bus.errors.discardAll({ fingerprint: byCause[1]!.key }), 1)
      assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 0, 'nothing left unresolved')
      assert.equal((await bus.errors.list({ status: 'retried', limit: 10, offset: 0 })).total, 2)
      assert.deepEqual((await effects(world.db)).map((e) => e.key).sort(), ['fire-1', 'fire-2'], 'the discarded one was never handled')
    })
  })
}
