import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { createBus, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { healFaults, setFault } from './faults.ts'
import { handle } from './handler.ts'
import { defineCommand, MessageCatalog } from './message.ts'
import { partitionQueues } from './partitions.ts'

const Work = defineCommand('test.Work', 'faulty', z.object({ key: z.string() }))
const Other = defineCommand('test.Other', 'faulty', z.object({ key: z.string() }))
// Handled one at a time per key, on the endpoint's partitions: a pause stops those too.
const Keyed = defineCommand('test.Keyed', 'faulty', z.object({ key: z.string() }), { partitions: { count: 2, key: (m) => m.key } })
const Ping = defineCommand('test.Ping', 'control', z.object({ key: z.string() }))
const catalog = new MessageCatalog([Work, Other, Keyed, Ping])
// One immediate retry and one quick delayed round: four attempts, then the error queue.
const policy = { immediateRetries: 1, delayedRetries: [10], maxDeliveries: 5 }

const faulty = defineEndpoint({
  name: 'faulty',
  handlers: [
    handle(Work, ({ key }, ctx) => recordEffect(ctx.tx, 'work', key)),
    handle(Other, ({ key }, ctx) => recordEffect(ctx.tx, 'other', key)),
    handle(Keyed, ({ key }, ctx) => recordEffect(ctx.tx, 'keyed', key)),
  ],
  partitions: 2,
})
const control = defineEndpoint({ name: 'control', handlers: [handle(Ping, ({ key }, ctx) => recordEffect(ctx.tx, 'ping', key))] })
const keys = async (world: World, kind: string) => (await effects(world.db, kind)).map((e) => e.key).sort()
const faultyQueues = ['faulty', ...partitionQueues('faulty', 2)]
const depth = async (bus: Bus) => [...(await bus.depths(faultyQueues)).values()].reduce((sum, n) => sum + n, 0)

for (const shape of shapes) {
  describe(`ops' faults on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    const turn = async (fault: Parameters<typeof setFault>[1]) => {
      await setFault(world.db, fault, new Date())
      await bus.faults.refresh() // here at once; within the second anyway
    }
    const heal = async () => {
      await healFaults(world.db, 'faulty')
      await bus.faults.refresh()
    }
    beforeEach(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'faults', recoverability: policy, faults: true })
      await bus.start(faulty)
      await bus.start(control)
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('given a long delay on an endpoint, when messages go to it and to another, then only the other\'s are handled until it is healed', async () => {
      await turn({ endpoint: 'faulty', delayMs: 600_000, failPercent: 0, paused: false })
      await bus.session('web').send(Work, { key: 'w1' })
      await bus.session('web').send(Ping, { key: 'p1' })
      await eventually(async () => assert.deepEqual(await keys(world, 'ping'), ['p1'], 'the other endpoint handled its message'), { what: 'the control endpoint' })
      assert.deepEqual(await keys(world, 'work'), [], 'the delayed endpoint handled nothing yet')

      await heal()
      await eventually(async () => assert.deepEqual(await keys(world, 'work'), ['w1'], 'handled once, once healed'), { what: 'the delayed message' })
    })

    test('given 100 % failing for one type, its messages go through the retries into the error queue, the endpoint\'s other messages do not; healed, a retry succeeds once each', async () => {
      await turn({ endpoint: 'faulty', messageType: Work.type, delayMs: 0, failPercent: 100, paused: false })
      for (const key of ['w1', 'w2']) await bus.session('web').send(Work, { key })
      await bus.session('web').send(Other, { key: 'o1' })
      const failed = await eventually(async () => {
        const list = await bus.errors.list({ limit: 10, offset: 0 })
        assert.equal(list.total, 2, 'both failed')
        return list.items
      }, { what: 'the error queue' })
      for (const failure of failed) {
        assert.equal(failure.code, 'INJECTED_FAULT')
        assert.equal(failure.exceptionType, 'INJECTED_FAULT')
        assert.match(failure.reason, /fault injected by ops: 100% of "test\.Work" fail on endpoint "faulty"/)
        assert.equal(failure.attempts, 4, 'an attempt, an immediate retry, then a delayed round of both')
      }
      await eventually(async () => assert.deepEqual(await keys(world, 'other'), ['o1'], 'the other type is handled'), { what: 'the other type' })
      assert.deepEqual(await keys(world, 'work'), [])

      await heal()
      assert.equal(await bus.errors.retryAll({}), 2)
      await eventually(async () => assert.deepEqual(await keys(world, 'work'), ['w1', 'w2'], 'each once'), { what: 'the retried messages' })
      assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 0)
    })

    test('given a paused endpoint, its messages wait in its queue while another endpoint goes on; resumed, each is handled exactly once', async () => {
      await turn({ endpoint: 'faulty', delayMs: 0, failPercent: 0, paused: true })
      const sent = ['w1', 'w2', 'w3', 'w4', 'w5']
      const keyed = ['k1', 'k2', 'k3', 'k4']
      for (const key of sent) await bus.session('web').send(Work, { key })
      for (const key of keyed) await bus.session('web').send(Keyed, { key })
      await bus.session('web').send(Ping, { key: 'p1' })
      await eventually(async () => {
        assert.deepEqual(await keys(world, 'ping'), ['p1'], 'the other endpoint handled its message')
        assert.equal(await depth(bus), sent.length + keyed.length, 'all of them wait in the queue and its partitions')
      }, { what: 'the queues to fill' })
      assert.deepEqual(await keys(world, 'work'), [], 'none handled while paused')
      assert.deepEqual(await keys(world, 'keyed'), [], 'none of the partitions\' handled while paused')

      await heal()
      await eventually(async () => {
        assert.deepEqual(await keys(world, 'work'), sent, 'every one, once')
        assert.deepEqual(await keys(world, 'keyed'), keyed, 'every keyed one, once')
      }, { what: 'the queues to drain' })
      assert.equal(await depth(bus), 0)
    })

    test('given an endpoint paused before a process starts it, the process starts it paused; healed, it consumes', async () => {
      await turn({ endpoint: 'faulty', delayMs: 0, failPercent: 0, paused: true })
      await bus.stop()
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'faults-2', recoverability: policy, faults: true })
      await bus.start(faulty)
      await bus.start(control)
      await bus.session('web').send(Work, { key: 'w1' })
      await bus.session('web').send(Ping, { key: 'p1' })
      await eventually(async () => {
        assert.deepEqual(await keys(world, 'ping'), ['p1'], 'the other endpoint handled its message')
        assert.equal(await depth(bus), 1, 'it waits in the queue')
      }, { what: 'the control endpoint' })
      assert.deepEqual(await keys(world, 'work'), [])

      await heal()
      await eventually(async () => assert.deepEqual(await keys(world, 'work'), ['w1'], 'handled once'), { what: 'the resumed endpoint' })
    })

    test('given faults not allowed by the configuration, a fault in the table is never read: the endpoint goes on', async () => {
      await bus.stop()
      await setFault(world.db, { endpoint: 'faulty', delayMs: 600_000, failPercent: 100, paused: true }, new Date())
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'faults-off', recoverability: policy })
      await bus.start(faulty)
      await bus.faults.refresh()
      await bus.session('web').send(Work, { key: 'w1' })
      await eventually(async () => assert.deepEqual(await keys(world, 'work'), ['w1'], 'handled as if no fault were set'), { what: 'the message' })
    })
  })
}
