import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { z } from 'zod'
import { recordEffect, testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, testAdminPassword, visitor } from '../../../test/support/visitor.ts'
import { opsSourcesOf } from '../../app.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand } from '../../messaging/message.ts'
import { notifications } from '../notifications/index.ts'
import { checkAlerts, type AlertDeps } from './alerts.ts'
import type { ConsoleSnapshot } from './console.ts'
import { ops } from './index.ts'

const Ring = defineCommand('test.Ring', 'bell', z.object({ n: z.number() }))
const to = 'night-shift@popcorn.example'

for (const shape of shapes) {
  describe(`ops' alerts on ${shape.name}`, () => {
    let node: PopcornNode
    let deps: AlertDeps
    const check = (at = new Date()) => checkAlerts(deps, at)
    const mails = async () => (await node.world.db.query<{ subject: string; text: string }>(
      `select subject, text_body as text from notifications.mailbox where to_address = $1 and kind = 'ops-alert' order by sent_at, subject`, [to])).rows
    const staff = () => admin(node.url)

    before(async () => {
      node = await startPopcornNode(shape, [notifications, ops], {}, { messages: [Ring], migrations: [testMigrations], recoverability: { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 } })
      await node.bus.start(defineEndpoint({
        name: 'bell',
        handlers: [handle(Ring, async ({ n }, ctx) => {
          if (n < 0) throw new Error('the bell is cracked')
          await recordEffect(ctx.tx, 'rung', String(n))
        })],
      }))
      deps = { db: node.world.db, session: node.bus.session('ops'), sources: opsSourcesOf(node.bus, [notifications, ops], node.world.db), to, consoleUrl: `${node.url}/ops` }
    })
    after(() => node?.stop())

    test('nothing crossed, nothing raised', async () => {
      assert.deepEqual(await check(), { raised: [], cleared: [] })
    })

    test('a failed message raises the error queue’s alert once, e-mailed once, however many processes check; handled, it clears', async () => {
      await node.bus.session('web').send(Ring, { n: -1 })
      await eventually(async () => assert.equal((await node.bus.errors.list({ limit: 1, offset: 0 })).total, 1, 'the ring failed'), { what: 'the failure' })
      const [one, two] = await Promise.all([check(), check()])
      assert.deepEqual([...one!.raised, ...two!.raised], ['failed-messages'], 'raised by one check of the two')
      assert.deepEqual(await check(), { raised: [], cleared: [] }, 'and not again')
      await eventually(async () => assert.deepEqual((await mails()).map((m) => m.subject), ['Alert: 1 failed message waiting for a person (more than 0)'], 'one e-mail'), { what: 'the alert e-mailed' })
      assert.match((await mails())[0]!.text, new RegExp(`The ops console: ${node.url}/ops`))

      const shown = (await staff().call('GET', '/api/ops/console')).body as ConsoleSnapshot
      assert.deepEqual(shown.alerts.open.map((a) => [a.rule, a.subject]), [['failed-messages', 'error-queue']])
      assert.match((await staff().call('GET', '/ops')).body, /<li class="alert" data-rule="failed-messages" data-subject="error-queue">/)

      assert.equal((await staff().call('POST', '/api/ops/failed-messages/discard', { all: true })).body.discarded, 1)
      assert.deepEqual(await check(), { raised: [], cleared: ['failed-messages'] })
      await eventually(async () => assert.equal((await mails()).length, 2, 'the clearing e-mailed'), { what: 'the clearing e-mailed' })
      assert.match((await mails()).map((m) => m.subject).join('\n'), /^Cleared: 1 failed message waiting/m)
      const cleared = (await staff().call('GET', '/api/ops/alerts')).body
      assert.deepEqual([cleared.open.length, cleared.cleared.length], [0, 1])
    })

    test('an instance that stopped beating without saying so raises its endpoint’s alert; once it says it stopped, the alert clears', async () => {
      const now = new Date()
      await node.world.db.query(`insert into messaging.instances (instance_id, endpoint, queues, started_at, last_seen) values ('killed-1', 'bell', array['bell'], $1, $1)`, [new Date(now.getTime() - 120_000)])
      assert.deepEqual((await check(now)).raised, ['endpoint-down'])
      assert.match((await staff().call('GET', '/api/ops/alerts')).body.open[0].summary, /^bell: 1 instance stopped beating without saying it stops \(killed-1\); 1 instance up$/)
      await node.world.db.query(`update messaging.instances set stopped_at = $1 where instance_id = 'killed-1'`, [now])
      assert.deepEqual((await check(now)).cleared, ['endpoint-down'])
    })

    test('thresholds are set by admins, strictly, and alerts follow them', async () => {
      const stranger = visitor(node.url)
      assert.equal((await stranger.call('PUT', '/api/ops/alerts/thresholds', { maxFailedMessages: 5 })).status, 401)
      assert.equal((await stranger.call('GET', '/api/ops/alerts')).status, 401)
      for (const bad of [{}, { maxFailedMessages: -1 }, { maxFailedMessages: 1.5 }, { maxFailedMessages: 10_000_000 }, { noSuchThreshold: 1 }]) {
        assert.equal((await staff().call('PUT', '/api/ops/alerts/thresholds', bad)).status, 400, JSON.stringify(bad))
      }
      assert.equal((await staff().call('GET', '/api/ops/alerts')).body.thresholds.maxFailedMessages, 0, 'nothing changed')

      assert.equal((await staff().call('PUT', '/api/ops/alerts/thresholds', { maxFailedMessages: 1 })).body.maxFailedMessages, 1)
      await node.bus.session('web').send(Ring, { n: -2 })
      await eventually(async () => assert.equal((await node.bus.errors.list({ limit: 1, offset: 0 })).total, 1, 'the ring failed'), { what: 'the failure' })
      assert.deepEqual((await check()).raised, [], 'one failure is within a threshold of one')
      await node.bus.session('web').send(Ring, { n: -3 })
      await eventually(async () => assert.equal((await node.bus.errors.list({ limit: 1, offset: 0 })).total, 2, 'the second failed'), { what: 'the second failure' })
      assert.deepEqual((await check()).raised, ['failed-messages'], 'two are past it')

      const desk = visitor(node.url)
      const { body: token } = await desk.call('GET', '/api/form-token')
      const authorization = `Basic ${Buffer.from(`admin:${testAdminPassword}`).toString('base64')}`
      const saved = await desk.call('POST', '/ops/alerts/thresholds', new URLSearchParams({ maxFailedMessages: '2', maxProjectionLagSeconds: '60', maxCriticalP99Ms: '5000', _csrf: token.token }).toString(), { authorization })
      assert.deepEqual([saved.status, saved.headers.get('location')], [303, '/ops?done=thresholds'])
      assert.deepEqual((await check()).cleared, ['failed-messages'], 'two are within a threshold of two')
      assert.deepEqual((await staff().call('GET', '/api/ops/alerts')).body.thresholds, { maxFailedMessages: 2, maxProjectionLagSeconds: 60, maxCriticalP99Ms: 5000 })
    })
  })
}
