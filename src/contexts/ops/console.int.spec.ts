import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { io, type Socket } from 'socket.io-client'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../../test/support/effects.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { member } from '../../../test/support/members.ts'
import { startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, testAdminPassword, visitor } from '../../../test/support/visitor.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { defineCommand } from '../../messaging/message.ts'
import { accounts } from '../accounts/index.ts'
import { notifications } from '../notifications/index.ts'
import type { ConsoleSnapshot } from './console.ts'
import { ops } from './index.ts'

const Project = defineCommand('test.Project', 'projector', z.object({ reel: z.string() }))
const basic = `Basic ${Buffer.from(`admin:${testAdminPassword}`).toString('base64')}`
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

/** A place in our code that fails in its own way, so that its failures share a cause. */
const burnProjector = (reel: string) => {
  throw new Error(`the projector burnt reel ${reel}`)
}

for (const shape of shapes) {
  describe(`the ops console on ${shape.name}`, () => {
    let node: PopcornNode
    let broken = true
    const staff = () => admin(node.url)
    const moment = async () => {
      const answer = await staff().call('GET', '/api/ops/console')
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      return answer.body as ConsoleSnapshot
    }
    const project = (reel: string) => node.bus.session('web').send(Project, { reel })
    /** A socket as the console's page opens it, with these headers on its handshake. */
    const connect = async (headers: Record<string, string>) => {
      const socket = io(node.url, { transports: ['websocket'], reconnection: false, extraHeaders: headers })
      await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject) })
      return socket
    }
    const sockets: Socket[] = []

    before(async () => {
      // Straight to the error queue: what the console does with failures is tested here, not the retries.
      node = await startPopcornNode(shape, [notifications, accounts, ops], { POPCORN_FAULTS: 'on' }, { messages: [Project], migrations: [testMigrations], recoverability: { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 } })
      await node.bus.start(defineEndpoint({
        name: 'projector',
        handlers: [handle(Project, async ({ reel }, ctx) => {
          if (broken && reel.startsWith('fire')) burnProjector(reel)
          await recordEffect(ctx.tx, 'projected', reel)
        })],
      }))
    })
    after(async () => {
      for (const socket of sockets) socket.close()
      await node?.stop()
    })

    test('ops is for admins: nobody else sees the console, its data or its socket', async () => {
      const stranger = visitor(node.url)
      assert.equal((await stranger.call('GET', '/ops')).status, 401)
      assert.equal((await stranger.call('GET', '/api/ops/console')).status, 401)
      assert.equal((await stranger.call('GET', '/ops/failed-messages')).status, 401)
      assert.equal((await stranger.submit('/ops/failed-messages/retry', { all: 'yes' })).status, 401)
      const customer = await member(node, 'not-staff@example.com')
      assert.equal((await customer.call('GET', '/ops')).status, 403)
      assert.equal((await customer.call('GET', '/api/ops/console')).status, 403)

      const handshakes: Record<string, string>[] = [{}, { cookie: customer.cookie() }, { authorization: basic, origin: 'http://elsewhere.example' }]
      for (const headers of handshakes) {
        const socket = await connect(headers)
        sockets.push(socket)
        const answer = await socket.emitWithAck('ops:watch', {}) as { ok: boolean; error?: { code: string } }
        assert.deepEqual([answer.ok, answer.error?.code], [false, 'FORBIDDEN'], JSON.stringify(headers))
      }
    })

    test('the console shows each endpoint with its instance, what it handled, and the error queue grouped by cause', async () => {
      for (const reel of ['one', 'two', 'three', 'fire-1', 'fire-2']) await project(reel)
      const seen = await eventually(async () => {
        const now = await moment()
        const projector = now.endpoints.find((e) => e.name === 'projector')
        assert.equal(sum(projector?.handledPerSecond ?? []), 3, 'three handled in the last whole seconds')
        assert.equal(now.failures.unresolved, 2, 'two failed')
        return { now, projector: projector! }
      }, { what: 'the console to count them' })
      assert.deepEqual(seen.projector.instances.map((i) => i.status), ['up'])
      assert.equal(seen.projector.unresolvedFailures, 2)
      assert.equal(seen.projector.handledPerSecond.length, seen.now.windowSeconds)
      assert.equal(seen.now.failures.groups.length, 1, 'one cause')
      assert.match(seen.now.failures.groups[0]!.title, /^Error at burnProjector/)
      assert.deepEqual(seen.now.switches, { projectionDelayMs: 0, paymentDelayMs: 0, paymentsFailing: 0 })
      assert.ok(seen.now.projections.some((p) => p.projection === 'accounts'), 'the accounts projection’s lag')

      const page = await staff().call('GET', '/ops')
      assert.equal(page.status, 200)
      assert.match(page.body, /<tr data-endpoint="projector">/)
      assert.match(page.body, new RegExp(`data-fingerprint="${seen.now.failures.groups[0]!.key}"`))
      assert.match(page.body, /<polyline data-spark="handled" points="[0-9., ]+"/, 'the last minute drawn')
      assert.match(page.body, /2 waiting for a person, by cause/)
    })

    test('the error queue’s page shows each message’s headers and body, escaped, and one retried there is handled once', async () => {
      await project('fire-<script>alert(1)</script>')
      await eventually(async () => assert.equal((await moment()).failures.unresolved, 3, 'the third failed'), { what: 'the third failure' })
      const { body: groups } = await staff().call('GET', '/api/ops/failed-messages/groups')
      const key = groups.groups[0].key as string
      const page = await staff().call('GET', `/ops/failed-messages?fingerprint=${key}`)
      assert.equal(page.status, 200)
      assert.match(page.body, /3 found/)
      assert.match(page.body, /&quot;reel&quot;:&quot;fire-&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/, 'the body, as text')
      assert.doesNotMatch(page.body, /<script>alert/)
      assert.match(page.body, /&quot;correlationId&quot;/, 'the headers')
      assert.equal((await staff().call('GET', '/ops/failed-messages?status=lost')).status, 400)
      // The search form as a browser sends it, empty fields and all; a date and a number of attempts narrow it.
      const searched = await staff().call('GET', '/ops/failed-messages?type=test.Project&queue=&correlationId=&from=2020-01-01T00%3A00&to=&minAttempts=1&status=unresolved')
      assert.equal(searched.status, 200)
      assert.match(searched.body, /3 found/)
      assert.match((await staff().call('GET', '/ops/failed-messages?type=&from=2999-01-01T00%3A00')).body, /Nothing found/, 'none failed after that date')
      assert.match((await staff().call('GET', '/ops/failed-messages?minAttempts=2')).body, /Nothing found/, 'straight to the error queue: one attempt each')
      assert.equal((await staff().call('GET', '/ops/failed-messages?from=yesterday')).status, 400)

      // Retried one by one from its own form, as the admin: handled once, and the page it came from shown again.
      broken = false
      const { body: list } = await staff().call('GET', '/api/ops/failed-messages?type=test.Project')
      const one = list.items.find((m: { body: string }) => m.body.includes('script')) as { id: string }
      const desk = visitor(node.url)
      const token = async () => (await desk.call('GET', '/api/form-token')).body.token as string
      const back = `/ops/failed-messages?fingerprint=${key}&status=unresolved`
      const form = async (path: string, fields: Record<string, string>) =>
        desk.call('POST', path, new URLSearchParams({ ...fields, _csrf: await token() }).toString(), { authorization: basic })
      assert.equal((await form(`/ops/failed-messages/${one.id}/retry`, { back: 'https://elsewhere.example/' })).status, 400, 'goes back nowhere but the error queue')
      const retried = await form(`/ops/failed-messages/${one.id}/retry`, { back })
      assert.deepEqual([retried.status, retried.headers.get('location')], [303, back])
      await eventually(async () => assert.equal((await effects(node.world.db, 'projected')).filter((e) => e.key.includes('script')).length, 1, 'handled once'), { what: 'the retried message handled' })
    })

    test('a group retried from the console’s form is handled once each; a form naming no group, or two, changes nothing', async () => {
      broken = false
      const key = (await moment()).failures.groups[0]!.key
      const desk = visitor(node.url)
      const form = async (fields: Record<string, string>) => {
        const { body } = await desk.call('GET', '/api/form-token')
        return desk.call('POST', '/ops/failed-messages/retry', new URLSearchParams({ ...fields, _csrf: body.token }).toString(), { authorization: basic })
      }
      assert.equal((await form({})).status, 400)
      assert.equal((await form({ fingerprint: key, all: 'yes' })).status, 400)
      assert.equal((await form({ fingerprint: 'not-a-fingerprint' })).status, 400)
      assert.equal((await moment()).failures.unresolved, 2, 'nothing retried')

      const retried = await form({ fingerprint: key })
      assert.deepEqual([retried.status, retried.headers.get('location')], [303, '/ops?done=retried&count=2'])
      await eventually(async () => {
        const projected = (await effects(node.world.db, 'projected')).map((e) => e.key).filter((k) => k.startsWith('fire-')).sort()
        assert.deepEqual(projected, ['fire-1', 'fire-2', 'fire-<script>alert(1)</script>'], 'each handled once')
      }, { what: 'the group handled' })
      assert.equal((await moment()).failures.unresolved, 0)
      assert.match((await staff().call('GET', '/ops?done=retried&count=2')).body, /Retried 2 failed messages\./)
      assert.equal((await staff().call('GET', '/ops?done=<b>')).status, 400, 'the notice is chosen, never written by the address')
    })

    test('a fault switched on from the console’s form shows there while it is on; healed from it, nothing is lost', async () => {
      const desk = visitor(node.url)
      const form = async (path: string, fields: Record<string, string>) => {
        const { body } = await desk.call('GET', '/api/form-token')
        return desk.call('POST', path, new URLSearchParams({ ...fields, _csrf: body.token }).toString(), { authorization: basic })
      }
      assert.equal((await form('/ops/faults', { endpoint: 'projector', delayMs: 'soon', failPercent: '0' })).status, 400)
      assert.equal((await form('/ops/faults', { endpoint: 'no-such-endpoint', paused: 'on' })).status, 404)
      assert.deepEqual((await moment()).faults, { enabled: true, on: [] }, 'nothing switched on by those')

      const paused = await form('/ops/faults', { endpoint: 'projector', messageType: '', delayMs: '0', failPercent: '0', paused: 'on' })
      assert.deepEqual([paused.status, paused.headers.get('location')], [303, '/ops?done=fault'])
      const shown = await moment()
      assert.deepEqual(shown.faults.on.map((f) => [f.endpoint, f.paused]), [['projector', true]])
      await eventually(async () => assert.deepEqual((await moment()).endpoints.find((e) => e.name === 'projector')?.instances.map((i) => i.status), ['paused'], 'the instance says it paused'), { what: 'the pause taken' })
      assert.match((await staff().call('GET', '/ops')).body, /<li class="alert" data-fault-endpoint="projector"><strong>projector<\/strong>: paused/)

      await project('while-paused')
      await eventually(async () => assert.equal((await moment()).endpoints.find((e) => e.name === 'projector')?.depth, 1, 'it waits in the queue'), { what: 'the message waiting' })
      const healed = await form('/ops/faults/projector/heal', {})
      assert.deepEqual([healed.status, healed.headers.get('location')], [303, '/ops?done=healed'])
      await eventually(async () => assert.equal((await effects(node.world.db, 'projected')).filter((e) => e.key === 'while-paused').length, 1, 'handled once, healed'), { what: 'the waiting message handled' })
      assert.deepEqual((await moment()).faults.on, [])
    })

    test('a conversation’s page shows its messages as a flow; the console’s form looks one up by its id', async () => {
      const headers = await node.bus.session('web').send(Project, { reel: 'conversation-1' }, { correlationId: 'reel-<b>talk</b>' })
      const lookup = await visitor(node.url).call('GET', '/ops/conversations?id=reel-%3Cb%3Etalk%3C%2Fb%3E', undefined, { authorization: basic })
      assert.deepEqual([lookup.status, lookup.headers.get('location')], [303, '/ops/conversations/reel-%3Cb%3Etalk%3C%2Fb%3E'])
      const page = await eventually(async () => {
        const answer = await staff().call('GET', '/ops/conversations/reel-%3Cb%3Etalk%3C%2Fb%3E')
        assert.match(answer.body, /data-type="test.Project" data-status="handled"/, 'the message, handled')
        return answer.body as string
      }, { what: 'the conversation handled' })
      assert.match(page, new RegExp(`data-message-id="${headers.messageId}"`))
      assert.match(page, /<code id="conversation-id">reel-&lt;b&gt;talk&lt;\/b&gt;<\/code>/, 'the id, as text')
      assert.match(page, /web → projector/, 'who sent it to whom')
      const missing = await staff().call('GET', '/ops/conversations/never-heard-of')
      assert.equal(missing.status, 404)
      assert.match(missing.body, /Nothing is known of that conversation/)
      assert.equal((await staff().call('GET', '/ops/conversations?id=')).status, 400)
      assert.equal((await visitor(node.url).call('GET', '/ops/conversations/never-heard-of')).status, 401)
    })

    test('live over the socket: an admin’s watch is answered with the moment, then pushed what happens next', async () => {
      const socket = await connect({ authorization: basic })
      sockets.push(socket)
      const pushed: ConsoleSnapshot[] = []
      socket.on('ops:snapshot', (snapshot: ConsoleSnapshot) => pushed.push(snapshot))
      const answer = await socket.emitWithAck('ops:watch', {}) as { ok: boolean; snapshot: ConsoleSnapshot }
      assert.equal(answer.ok, true)
      assert.ok(answer.snapshot.endpoints.some((e) => e.name === 'projector'), 'the moment, at once')
      const before = sum(answer.snapshot.endpoints.find((e) => e.name === 'projector')!.handledPerSecond)
      await project('live-1')
      await eventually(() => {
        const latest = pushed.at(-1)?.endpoints.find((e) => e.name === 'projector')
        assert.ok(latest && sum(latest.handledPerSecond) > before, `a push counts the new one (${pushed.length} pushed)`)
      }, { what: 'a push with the new message', timeoutMs: 20_000 })
      assert.equal((await socket.emitWithAck('ops:watch', { extra: 1 }) as { ok: boolean }).ok, false, 'a watch request carries nothing')
    })
  })
}
