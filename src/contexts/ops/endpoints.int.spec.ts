import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { recordEffect, testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand, MessageCatalog } from '../../messaging/message.ts'
import { endpointsOverview, type EndpointOverview } from './endpoints.ts'

const password = 'ops-admin-password'
const Steady = defineCommand('test.Steady', 'steady', z.object({ n: z.number() }))
const Stuck = defineCommand('test.Stuck', 'stuck', z.object({ n: z.number() }))
const catalog = new MessageCatalog([Steady, Stuck])
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

for (const shape of shapes) {
  describe(`the console's endpoints on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance
    let failedOnce = false
    const overview = async () => {
      const answer = await app.inject({ url: '/api/ops/endpoints', headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } })
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().endpoints as EndpointOverview[]
    }
    const endpoint = async (name: string) => (await overview()).find((e) => e.name === name)

    before(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'console-1', concurrency: 1, batchSize: 1 })
      await bus.start(defineEndpoint({ name: 'steady', handlers: [handle(Steady, ({ n }, ctx) => {
        // One message fails its first attempt: a retry the instance tells the console of.
        if (n === 99 && !failedOnce) {
          failedOnce = true
          throw new Error('the first attempt trips')
        }
        return recordEffect(ctx.tx, 'steady', String(n))
      })] }))
      app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [], logger: testLogger, maxBodyBytes: 1024, describe: () => ({}), config: loadConfig({ POPCORN_ADMIN_PASSWORD: password }) })
    })
    after(async () => {
      await app.close()
      await bus.stop()
      await world.destroy()
    })

    test('each endpoint with its instance up, what it handled in the last minute and how long its messages waited', async () => {
      assert.equal((await app.inject({ url: '/api/ops/endpoints' })).statusCode, 401, 'admins only')
      for (let n = 1; n <= 6; n++) await bus.session('web').send(Steady, { n })
      const steady = await eventually(async () => {
        const found = await endpoint('steady')
        assert.equal(sum(found?.handledPerSecond ?? []), 6, 'six handled in the last whole seconds')
        return found!
      }, { what: 'the six counted' })
      assert.equal(steady.handledPerSecond.length, 60)
      assert.ok(steady.criticalMs.p50 !== null && steady.criticalMs.p99 !== null && steady.criticalMs.p50 <= steady.criticalMs.p99, JSON.stringify(steady.criticalMs))
      assert.deepEqual(steady.instances.map((i) => [i.instanceId, i.status]), [['console-1', 'up']])
      assert.equal(steady.depth, 0)
      assert.equal(steady.failed, 0)
    })

    test('its retries and how long its batches took, as its instance told at its heartbeat', async () => {
      await bus.session('web').send(Steady, { n: 99 })
      const told = await eventually(async () => {
        const steady = await endpoint('steady')
        assert.equal(steady?.retried, 1, 'the one retry, told at the next beat')
        return steady!
      }, { what: 'the retry told', timeoutMs: 20_000 })
      assert.ok(told.processingMs.p50 !== null && told.processingMs.p99 !== null && told.processingMs.p50 <= told.processingMs.p99, JSON.stringify(told.processingMs))
    })

    test('the depth of a queue nobody consumes grows with what is sent, and drains once it is consumed again', async () => {
      const stuckEndpoint = defineEndpoint({ name: 'stuck', handlers: [handle(Stuck, ({ n }, ctx) => recordEffect(ctx.tx, 'stuck', String(n)))] })
      const gone = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'console-gone' })
      await gone.start(stuckEndpoint)
      await gone.stop()
      for (let n = 1; n <= 5; n++) await bus.session('web').send(Stuck, { n })
      await eventually(async () => assert.equal((await endpoint('stuck'))?.depth, 5, 'five waiting'), { what: 'the queue filling' })
      assert.deepEqual((await endpoint('stuck'))?.instances.map((i) => i.status), ['stopped'])
      await bus.start(stuckEndpoint)
      await eventually(async () => {
        const stuck = await endpoint('stuck')
        assert.equal(stuck?.depth, 0, 'drained')
        assert.equal(sum(stuck?.handledPerSecond ?? []), 5, 'all five handled')
      }, { what: 'the queue drained' })
    })

    test('an instance not heard of for three beats is down; one that stopped says so', async () => {
      const later = new Date(Date.now() + 20_000)
      assert.equal((await endpointsOverview(world.db, bus.depths, later)).find((e) => e.name === 'steady')?.instances[0]?.status, 'down')
      const other = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'console-2' })
      await other.start(defineEndpoint({ name: 'steady', handlers: [handle(Steady, ({ n }, ctx) => recordEffect(ctx.tx, 'steady', String(n)))] }))
      assert.deepEqual((await endpoint('steady'))?.instances.map((i) => [i.instanceId, i.status]), [['console-1', 'up'], ['console-2', 'up']])
      await other.stop()
      assert.deepEqual((await endpoint('steady'))?.instances.map((i) => [i.instanceId, i.status]), [['console-1', 'up'], ['console-2', 'stopped']])
    })
  })
}
