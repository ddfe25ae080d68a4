import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand, MessageCatalog } from '../../messaging/message.ts'

const password = 'ops-admin-password'
const Fragile = defineCommand('test.Fragile', 'fragile', z.object({ key: z.string() }))

for (const shape of shapes) {
  describe(`the error queue over HTTP on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance
    let failing = true
    const ids: string[] = []
    const asAdmin = (request: InjectOptions) =>
      app.inject({ ...request, headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, ...request.headers } })

    before(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog([Fragile]), logger: testLogger, instanceId: 'api', recoverability: { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 } })
      await bus.start(defineEndpoint({
        name: 'fragile',
        handlers: [handle(Fragile, async (m, ctx) => {
          if (failing) throw new Error(`cannot handle ${m.key}`)
          await recordEffect(ctx.tx, 'fragile', m.key)
        })],
      }))
      app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [], logger: testLogger, maxBodyBytes: 1024, describe: () => ({}), config: loadConfig({ POPCORN_ADMIN_PASSWORD: password }) })
      for (const key of ['a', 'b']) await bus.session('web').send(Fragile, { key })
      await eventually(async () => assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 2))
    })
    after(async () => {
      await app.close()
      await bus.stop()
      await world.destroy()
    })

    test('lists the failed messages, newest first, with a total', async () => {
      const response = await asAdmin({ url: '/api/ops/failed-messages?limit=10' })
      assert.equal(response.statusCode, 200)
      const body = response.json() as { total: number; items: { id: string; messageType: string; reason: string }[] }
      assert.equal(body.total, 2)
      assert.deepEqual(body.items.map((i) => i.messageType), ['test.Fragile', 'test.Fragile'])
      ids.push(...body.items.map((i) => i.id))
    })

    test('shows one failed message whole: headers, body, exception and attempts', async () => {
      const response = await asAdmin({ url: `/api/ops/failed-messages/${ids[0]}` })
      assert.equal(response.statusCode, 200)
      const failed = response.json()
      assert.match(failed.reason, /cannot handle/)
      assert.match(failed.stack, /cannot handle/)
      assert.equal(failed.attempts, 1)
      assert.equal(failed.headers.type, 'test.Fragile')
      assert.ok(['{"key":"a"}', '{"key":"b"}'].includes(failed.body))
    })

    test('retry sends it back and it succeeds; discard sets one aside; neither can be done twice', async () => {
      failing = false
      const retried = await asAdmin({ method: 'POST', url: `/api/ops/failed-messages/${ids[0]}/retry` })
      assert.equal(retried.statusCode, 200)
      await eventually(async () => assert.equal((await effects(world.db, 'fragile')).length, 1))
      assert.equal((await asAdmin({ method: 'POST', url: `/api/ops/failed-messages/${ids[1]}/discard` })).statusCode, 200)

      const again = await asAdmin({ method: 'POST', url: `/api/ops/failed-messages/${ids[0]}/retry` })
      assert.equal(again.statusCode, 409)
      assert.equal(again.json().error.code, 'CONFLICT')
      assert.equal((await asAdmin({ url: '/api/ops/failed-messages' })).json().total, 0)
      assert.equal((await asAdmin({ url: '/api/ops/failed-messages?status=discarded' })).json().total, 1)
    })

    test('answers nobody without the admin password, from any address, and changes nothing', async () => {
      const before = (await asAdmin({ url: '/api/ops/failed-messages?status=unresolved' })).body
      for (const remoteAddress of ['127.0.0.1', '::1', '203.0.113.9']) {
        for (const authorization of [undefined, `Basic ${Buffer.from('admin:guess').toString('base64')}`]) {
          for (const request of [{ url: '/api/ops/failed-messages' }, { url: `/api/ops/failed-messages/${ids[0]}` }, { method: 'POST' as const, url: `/api/ops/failed-messages/${ids[0]}/discard` }]) {
            const response = await app.inject({ ...request, remoteAddress, ...(authorization && { headers: { authorization } }) })
            assert.equal(response.statusCode, 401, `${request.url} from ${remoteAddress}`)
            assert.doesNotMatch(response.body, /cannot handle|Fragile/)
          }
        }
      }
      assert.equal((await asAdmin({ url: '/api/ops/failed-messages?status=unresolved' })).body, before)
    })

    test('bad input gets a clear error and changes nothing', async () => {
      const before = await asAdmin({ url: '/api/ops/failed-messages?status=retried' })
      const cases = [
        { url: '/api/ops/failed-messages/not-a-uuid', status: 400, code: 'BAD_REQUEST', message: /uuid/ },
        { url: `/api/ops/failed-messages/${randomUUID()}`, status: 404, code: 'NOT_FOUND', message: /no failed message/ },
        { url: '/api/ops/failed-messages?limit=0', status: 400, code: 'BAD_REQUEST', message: /limit/ },
        { url: '/api/ops/failed-messages?status=everything', status: 400, code: 'BAD_REQUEST', message: /status/ },
        { method: 'POST' as const, url: `/api/ops/failed-messages/${randomUUID()}/retry`, status: 404, code: 'NOT_FOUND', message: /no failed message/ },
        { method: 'POST' as const, url: '/api/ops/failed-messages/x/discard', status: 400, code: 'BAD_REQUEST', message: /uuid/ },
        { url: '/api/nothing-here', status: 404, code: 'NOT_FOUND', message: /no route/ },
        { method: 'POST' as const, url: `/api/ops/failed-messages/${ids[0]}/retry`, payload: { pad: 'x'.repeat(5000) }, status: 413, code: 'PAYLOAD_TOO_LARGE', message: /./ },
        { method: 'POST' as const, url: `/api/ops/failed-messages/${ids[0]}/retry`, payload: '{oops', headers: { 'content-type': 'application/json' }, status: 400, code: 'BAD_REQUEST', message: /JSON/ },
      ]
      for (const { status, code, message, ...request } of cases) {
        const response = await asAdmin(request)
        assert.equal(response.statusCode, status, `${request.url}: ${response.body}`)
        assert.equal(response.json().error.code, code)
        assert.match(response.json().error.message, message)
      }
      assert.equal((await asAdmin({ url: '/api/ops/failed-messages?status=retried' })).body, before.body)
    })

    test('groups by cause, type or queue; a group or a search retried or discarded at once; bulk without a filter is refused', async () => {
      failing = true
      for (const key of ['c', 'd']) await bus.session('web').send(Fragile, { key })
      await eventually(async () => assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 2, 'both failed'), { what: 'the failures' })
      const groups = (await asAdmin({ url: '/api/ops/failed-messages/groups?by=fingerprint' })).json()
      assert.equal(groups.groups.length, 1)
      assert.equal(groups.groups[0].count, 2)
      assert.match(groups.groups[0].title, /^Error at .*src\/contexts\/ops\/api\.int\.spec\.ts:\d+\)$/)
      assert.deepEqual((await asAdmin({ url: '/api/ops/failed-messages/groups?by=type' })).json().groups.map((g: { key: string }) => g.key), ['test.Fragile'])
      const found = (await asAdmin({ url: `/api/ops/failed-messages?fingerprint=${groups.groups[0].key}&type=test.Fragile&minAttempts=1` })).json()
      assert.equal(found.total, 2)

      for (const [payload, message] of [[{}, /say "all": true/], [{ everything: true }, /everything/], [{ fingerprint: 'nope' }, /fingerprint/], [{ all: false }, /all/]] as const) {
        const refused = await asAdmin({ method: 'POST', url: '/api/ops/failed-messages/retry', payload })
        assert.equal(refused.statusCode, 400, JSON.stringify(payload))
        assert.match(refused.json().error.message, message)
      }
      assert.equal((await asAdmin({ url: '/api/ops/failed-messages/groups?by=everything' })).statusCode, 400)
      assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 2, 'nothing changed')

      failing = false
      assert.deepEqual((await asAdmin({ method: 'POST', url: '/api/ops/failed-messages/retry', payload: { fingerprint: groups.groups[0].key } })).json(), { retried: 2 })
      await eventually(async () => assert.deepEqual((await effects(world.db)).map((e) => e.key).filter((k) => k === 'c' || k === 'd').sort(), ['c', 'd'], 'each once'), { what: 'the group handled' })
      assert.deepEqual((await asAdmin({ method: 'POST', url: '/api/ops/failed-messages/discard', payload: { all: true } })).json(), { discarded: 0 })
    })
  })
}
