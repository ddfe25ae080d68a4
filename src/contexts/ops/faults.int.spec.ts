import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { readFaults } from '../../messaging/faults.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand, MessageCatalog } from '../../messaging/message.ts'

const password = 'ops-admin-password'
const admin = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` }
const Work = defineCommand('test.Work', 'faulty', z.object({ key: z.string() }))
const catalog = new MessageCatalog([Work])

for (const shape of shapes) {
  describe(`the faults API on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance
    let appWithFaultsOff: FastifyInstance
    const appOf = (faults: 'on' | 'off') =>
      buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [], logger: testLogger, maxBodyBytes: 4096, describe: () => ({}), config: loadConfig({ POPCORN_ADMIN_PASSWORD: password, POPCORN_FAULTS: faults }) })

    before(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: 'faults-api', faults: true })
      await bus.start(defineEndpoint({ name: 'faulty', handlers: [handle(Work, ({ key }, ctx) => recordEffect(ctx.tx, 'work', key))] }))
      app = await appOf('on')
      appWithFaultsOff = await appOf('off')
    })
    after(async () => {
      await app.close()
      await appWithFaultsOff.close()
      await bus.stop()
      await world.destroy()
    })

    test('given no admin login, every faults route answers 401 and nothing changes', async () => {
      const wrong = { authorization: `Basic ${Buffer.from('admin:guess-again').toString('base64')}` }
      for (const headers of [{}, wrong]) {
        assert.equal((await app.inject({ url: '/api/ops/faults', headers })).statusCode, 401)
        assert.equal((await app.inject({ method: 'PUT', url: '/api/ops/faults/faulty', headers, payload: { paused: true } })).statusCode, 401)
        assert.equal((await app.inject({ method: 'DELETE', url: '/api/ops/faults/faulty', headers })).statusCode, 401)
      }
      assert.deepEqual(await readFaults(world.db), [])
    })

    test('given faults off by configuration, setting or healing one is refused (FAULTS_OFF) and nothing changes', async () => {
      const set = await appWithFaultsOff.inject({ method: 'PUT', url: '/api/ops/faults/faulty', headers: admin, payload: { failPercent: 100 } })
      assert.equal(set.statusCode, 409, set.body)
      assert.equal(set.json().error.code, 'FAULTS_OFF')
      assert.match(set.json().error.message, /POPCORN_FAULTS=on/)
      assert.equal((await appWithFaultsOff.inject({ method: 'DELETE', url: '/api/ops/faults/faulty', headers: admin })).statusCode, 409)
      const listed = await appWithFaultsOff.inject({ url: '/api/ops/faults', headers: admin })
      assert.equal(listed.statusCode, 200)
      assert.equal(listed.json().enabled, false)
      assert.deepEqual(listed.json().faults, [])
      assert.deepEqual(await readFaults(world.db), [])
    })

    test('given bad input, a clear 400 or 404 and nothing changes', async () => {
      const unknown = await app.inject({ method: 'PUT', url: '/api/ops/faults/nobody', headers: admin, payload: { paused: true } })
      assert.equal(unknown.statusCode, 404, unknown.body)
      assert.match(unknown.json().error.message, /no endpoint "nobody" has run in the last day; known: faulty/)
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/ops/faults/nobody', headers: admin })).statusCode, 404)
      assert.equal((await app.inject({ method: 'PUT', url: `/api/ops/faults/${encodeURIComponent('no body!')}`, headers: admin, payload: { paused: true } })).statusCode, 400)
      const bad: [unknown, RegExp][] = [
        [{ failPercent: 101 }, /failPercent/],
        [{ failPercent: 1.5 }, /failPercent/],
        [{ delayMs: -1 }, /delayMs/],
        [{ delayMs: 600_001 }, /delayMs/],
        [{ paused: 'yes' }, /paused/],
        [{ colour: 'red' }, /colour/],
        [{ messageType: 'test.Work', paused: true }, /cannot be narrowed to a message type/],
        [{ messageType: 'test.Nope', failPercent: 5 }, /no message type "test\.Nope" is declared/],
        [[1], /fault/],
      ]
      for (const [payload, reason] of bad) {
        const answer = await app.inject({ method: 'PUT', url: '/api/ops/faults/faulty', headers: admin, payload: payload as object })
        assert.equal(answer.statusCode, 400, `${JSON.stringify(payload)}: ${answer.body}`)
        assert.equal(answer.json().error.code, 'BAD_REQUEST')
        assert.match(answer.json().error.message, reason)
      }
      assert.deepEqual(await readFaults(world.db), [])
    })

    test('given an admin, a fault set is listed and takes effect; healing turns them all off and the messages that waited are handled', async () => {
      const failing = await app.inject({ method: 'PUT', url: '/api/ops/faults/faulty', headers: admin, payload: { messageType: 'test.Work', failPercent: 30, delayMs: '20' } })
      assert.equal(failing.statusCode, 200, failing.body)
      const paused = await app.inject({ method: 'PUT', url: '/api/ops/faults/faulty', headers: admin, payload: { paused: true } })
      assert.equal(paused.statusCode, 200, paused.body)
      const { enabled, endpoints, faults } = paused.json()
      assert.equal(enabled, true)
      assert.deepEqual(endpoints, ['faulty'])
      assert.deepEqual(faults.map(({ since, ...fault }: { since: string }) => fault), [
        { endpoint: 'faulty', delayMs: 0, failPercent: 0, paused: true },
        { endpoint: 'faulty', messageType: 'test.Work', delayMs: 20, failPercent: 30, paused: false },
      ])
      assert.ok(faults.every(({ since }: { since: string }) => !Number.isNaN(Date.parse(since))), 'each says since when')

      // The PUT applied it in this process before answering: what is sent now waits.
      await bus.session('web').send(Work, { key: 'w1' })
      await eventually(async () => assert.equal((await bus.depths(['faulty'])).get('faulty'), 1, 'it waits in the queue'), { what: 'the paused queue' })
      assert.deepEqual(await effects(world.db, 'work'), [])

      const healed = await app.inject({ method: 'DELETE', url: '/api/ops/faults/faulty', headers: admin })
      assert.equal(healed.statusCode, 200, healed.body)
      assert.equal(healed.json().healed, 2)
      assert.deepEqual(healed.json().faults, [])
      await eventually(async () => assert.deepEqual((await effects(world.db, 'work')).map((e) => e.key), ['w1'], 'handled once'), { what: 'the healed endpoint' })
    })
  })
}
