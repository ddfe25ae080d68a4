import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually } from '../../test/support/eventually.ts'
import { capturingLogger } from '../../test/support/log-capture.ts'
import { outageOf } from '../../test/support/outage.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { createBus, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { handle } from './handler.ts'
import { defineCommand, defineEvent, defineReply, MessageCatalog } from './message.ts'
import { saga, SagaTimeout } from './saga.ts'

const Ping = defineCommand('test.Ping', 'pong', z.object({ text: z.string().max(100) }))
const Pong = defineReply('test.Pong', z.object({ text: z.string() }))
const Happened = defineEvent('test.Happened', z.object({ key: z.string() }))
const Work = defineCommand('test.Work', 'worker', z.object({ key: z.string(), sendFirst: z.boolean().default(false) }))
const Noted = defineCommand('test.Noted', 'listener', z.object({ key: z.string() }))
const Blob = defineCommand('test.Blob', 'listener', z.object({ text: z.string() }))
const StartVisit = defineCommand('test.StartVisit', 'host', z.object({ visitId: z.string(), timeoutMs: z.number().int() }))
const TouchVisit = defineCommand('test.TouchVisit', 'host', z.object({ visitId: z.string() }))
const EndVisit = defineCommand('test.EndVisit', 'host', z.object({ visitId: z.string() }))
const VisitClosed = defineEvent('test.VisitClosed', z.object({ visitId: z.string(), why: z.enum(['ended', 'timed-out']), touches: z.number() }))

const catalog = new MessageCatalog([Ping, Pong, Happened, Work, Noted, Blob, StartVisit, TouchVisit, EndVisit, VisitClosed, SagaTimeout])
const policy = { immediateRetries: 1, delayedRetries: [100, 200], maxDeliveries: 5 }

const visitState = z.object({ visitId: z.string(), touches: z.number() })
const visit = saga('visit', visitState)
const visitSaga = visit.define({
  steps: [
    visit.step(StartVisit, {
      starts: true,
      correlate: (m) => m.visitId,
      handle: (state, m, ctx) => {
        ctx.requestTimeout(new Date(ctx.now.getTime() + m.timeoutMs), 'expire')
        return state ?? { visitId: m.visitId, touches: 0 }
      },
    }),
    visit.step(TouchVisit, { correlate: (m) => m.visitId, handle: (state) => ({ ...state!, touches: state!.touches + 1 }) }),
    visit.step(EndVisit, {
      correlate: (m) => m.visitId,
      handle: (state, m, ctx) => {
        ctx.publish(VisitClosed, { visitId: m.visitId, why: 'ended', touches: state!.touches })
        ctx.markAsComplete()
        return state!
      },
    }),
  ],
  timeouts: {
    expire: (state, _, ctx) => {
      ctx.publish(VisitClosed, { visitId: state.visitId, why: 'timed-out', touches: state.touches })
      ctx.markAsComplete()
      return state
    },
  },
})

const host = defineEndpoint({ name: 'host', sagas: [visitSaga] })
const observer = defineEndpoint({ name: 'observer', handlers: [handle(VisitClosed, (m, ctx) => recordEffect(ctx.tx, 'closed', m.visitId, m))] })
const sagaRows = async (world: World) => (await world.db.query('select correlation_id from messaging.sagas')).rows

for (const shape of shapes) {
  describe(`messaging core on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let log: ReturnType<typeof capturingLogger>
    const startBus = (on: World) => createBus({ db: on.db, transport: on.transport, catalog, logger: log.logger, instanceId: randomUUID().slice(0, 8), recoverability: policy })

    beforeEach(async () => {
      log = capturingLogger()
      world = await shape.create([testMigrations])
      bus = startBus(world)
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('a command is handled and its reply reaches the sender, with correlation and origin carried along', async () => {
      await bus.start(defineEndpoint({ name: 'pong', handlers: [handle(Ping, (m, ctx) => ctx.reply(Pong, { text: m.text.toUpperCase() }))] }))
      const replies: { text: string; headers: Record<string, unknown> }[] = []
      const client = await bus.start(defineEndpoint({ name: 'client', perInstance: true, handlers: [handle(Pong, (m, ctx) => void replies.push({ ...m, headers: ctx.headers }))] }))

      const sent = await client.session.send(Ping, { text: 'hello' }, { originClient: 'browser-7' })

      const [reply] = await eventually(() => (assert.equal(replies.length, 1), replies))
      assert.equal(reply!.text, 'HELLO')
      assert.equal(reply!.headers.correlationId, sent.messageId)
      assert.equal(reply!.headers.causationId, sent.messageId)
      assert.equal(reply!.headers.originClient, 'browser-7')
      assert.equal(reply!.headers.intent, 'reply')
      assert.equal(String(reply!.headers.traceparent).split('-')[1], sent.traceparent.split('-')[1])
    })

    test('a published event reaches every subscribed endpoint once, and no other', async () => {
      for (const name of ['first', 'second']) {
        await bus.start(defineEndpoint({ name, handlers: [handle(Happened, (m, ctx) => recordEffect(ctx.tx, name, m.key))] }))
      }
      await bus.start(defineEndpoint({ name: 'bystander', handlers: [handle(Noted, (m, ctx) => recordEffect(ctx.tx, 'bystander', m.key))] }))

      await bus.session('web').publish(Happened, { key: 'k1' })

      await eventually(async () => assert.deepEqual((await effects(world.db)).map((e) => e.kind).sort(), ['first', 'second']))
    })

    test('an event reaches every web node; a reply reaches only the node that asked', async () => {
      await bus.start(defineEndpoint({ name: 'pong', handlers: [handle(Ping, (m, ctx) => ctx.reply(Pong, { text: m.text.toUpperCase() }))] }))
      const seen: Record<string, string[]> = { a: [], b: [] }
      const nodes = Object.keys(seen).map((id) => createBus({ db: world.db, transport: world.transport, catalog, logger: log.logger, instanceId: id, recoverability: policy }))
      const webs = await Promise.all(nodes.map((node, i) => {
        const id = Object.keys(seen)[i]!
        return node.start(defineEndpoint({
          name: 'web',
          perInstance: true,
          handlers: [handle(Happened, (m) => void seen[id]!.push(`event:${m.key}`)), handle(Pong, (m) => void seen[id]!.push(`reply:${m.text}`))],
        }))
      }))
      try {
        assert.deepEqual(webs.map((w) => w.queue), ['web.a', 'web.b'])
        await webs[0]!.session.send(Ping, { text: 'from a' })
        await bus.session('anyone').publish(Happened, { key: 'k' })

        await eventually(() => {
          assert.deepEqual([...seen.a!].sort(), ['event:k', 'reply:FROM A'])
          assert.deepEqual(seen.b, ['event:k'])
        })
      } finally {
        for (const node of nodes) await node.stop()
      }
    })

    test('a failing message is retried at once, then later, then lands in the error queue; retried from there it succeeds', async () => {
      let failing = true
      let calls = 0
      await bus.start(defineEndpoint({
        name: 'worker',
        handlers: [handle(Work, async (m, ctx) => {
          calls++
          if (failing) throw new Error('the projector is on fire')
          await recordEffect(ctx.tx, 'work', m.key)
        })],
      }))

      const sent = await bus.session('web').send(Work, { key: 'w1', sendFirst: false })

      const { items } = await eventually(async () => {
        const listed = await bus.errors.list({ limit: 10, offset: 0 })
        assert.equal(listed.total, 1)
        assert.equal(listed.items.length, 1) // the count and the page are two reads: both must have seen it
        return listed
      })
      const failed = await bus.errors.get(items[0]!.id)
      assert.equal(failed?.messageId, sent.messageId)
      assert.equal(failed?.messageType, 'test.Work')
      assert.equal(failed?.queue, 'worker')
      assert.equal(failed?.code, 'HANDLER_FAILED')
      assert.equal(failed?.reason, 'the projector is on fire')
      assert.match(failed?.stack ?? '', /the projector is on fire/)
      assert.equal(failed?.attempts, 6) // (1 + 1 immediate) × (1 + 2 delayed rounds)
      assert.equal(calls, 6)
      assert.deepEqual(JSON.parse(failed!.body), { key: 'w1', sendFirst: false })
      assert.equal(failed?.headers.correlationId, sent.correlationId)
      assert.deepEqual(await effects(world.db), [])

      failing = false
      assert.equal(await bus.errors.retry(failed!.id), 'done')
      await eventually(async () => assert.deepEqual((await effects(world.db)).map((e) => e.key), ['w1']))
      assert.equal((await bus.errors.get(failed!.id))?.status, 'retried')
      assert.equal(await bus.errors.retry(failed!.id), 'already-resolved')
      assert.equal(await bus.errors.discard(randomUUID()), 'not-found')
      assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 0)
    })

    test('the database out of reach while a message is handled: waited out, then handled once, no retry spent, nothing in the error queue', async () => {
      const outage = outageOf(world.db)
      const patient = createBus({ db: outage.db, transport: world.transport, catalog, logger: log.logger, instanceId: randomUUID().slice(0, 8), recoverability: policy })
      let calls = 0
      try {
        await patient.start(defineEndpoint({
          name: 'worker',
          handlers: [handle(Work, async (m, ctx) => {
            if (calls++ === 0) outage.down() // the server goes away in the middle of the handler's transaction
            await recordEffect(ctx.tx, 'work', m.key)
          })],
        }))
        await patient.session('web').send(Work, { key: 'w-outage', sendFirst: false })
        await eventually(() => assert.equal(log.said('the database is out of reach; waiting for it, then trying the same messages again (not counted as their failure)').length, 1))
        // Down for longer than the policy's retries (1 immediate, then 100 and 200 ms) would have lasted: the
        // handler's statement and three probes of the database (250, 500, 1000 ms apart) refused.
        await eventually(() => assert.ok(outage.refusals() >= 4, `refused ${outage.refusals()} so far`), { timeoutMs: 30_000 })
        assert.equal(calls, 1, 'not tried again while the database was away')
        outage.up()
        await eventually(async () => assert.deepEqual((await effects(world.db)).map((e) => e.key), ['w-outage']))
        assert.equal(calls, 2, 'tried again once the database answered')
        assert.equal(log.said('handler failed; retrying').length, 0, 'no immediate retry spent')
        assert.equal((await patient.errors.list({ limit: 10, offset: 0 })).total, 0)
        // (A short test lease may hand the message to a second claim meanwhile: the inbox lets one of them count.)
        await eventually(() => assert.equal(log.said('the database answers again').length, 1, 'the wait ends when the database answers'))
      } finally {
        outage.up()
        await patient.stop()
      }
    })

    test('a failed message can be discarded, and then it is no longer listed as unresolved', async () => {
      await bus.start(defineEndpoint({ name: 'worker', handlers: [handle(Work, () => { throw new Error('no') })] }))
      await bus.session('web').send(Work, { key: 'w2', sendFirst: false })
      const { items } = await eventually(async () => (await bus.errors.list({ limit: 10, offset: 0 })).items.length === 1 ? bus.errors.list({ limit: 10, offset: 0 }) : Promise.reject(new Error('not yet')))
      assert.equal(await bus.errors.discard(items[0]!.id), 'done')
      assert.equal(await bus.errors.discard(items[0]!.id), 'already-resolved')
      assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 0)
      assert.equal((await bus.errors.list({ status: 'discarded', limit: 10, offset: 0 })).total, 1)
    })

    test('a message delivered twice has its effect once', async () => {
      await bus.start(defineEndpoint({ name: 'worker', handlers: [handle(Work, (m, ctx) => recordEffect(ctx.tx, 'work', m.key))] }))
      const messageId = randomUUID()
      const session = bus.session('web')

      await session.send(Work, { key: 'once', sendFirst: false }, { messageId })
      await session.send(Work, { key: 'once', sendFirst: false }, { messageId })

      await eventually(() => assert.equal(log.said('duplicate delivery: already handled, no effect').length, 1))
      assert.deepEqual((await effects(world.db)).map((e) => e.key), ['once'])
    })

    test('a handler that throws after sending leaves no state and sends nothing', async () => {
      await bus.start(defineEndpoint({
        name: 'worker',
        handlers: [handle(Work, async (m, ctx) => {
          await recordEffect(ctx.tx, 'work', m.key)
          ctx.send(Noted, { key: `from-${m.key}` })
          throw new Error('after sending')
        })],
      }))
      await bus.start(defineEndpoint({ name: 'listener', handlers: [handle(Noted, (m, ctx) => recordEffect(ctx.tx, 'noted', m.key))] }))

      await bus.session('web').send(Work, { key: 'w3', sendFirst: true })
      await eventually(async () => assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).total, 1))
      await bus.session('web').send(Noted, { key: 'marker' })

      await eventually(async () => assert.deepEqual((await effects(world.db, 'noted')).map((e) => e.key), ['marker']))
      assert.deepEqual((await effects(world.db, 'work')), [])
      assert.equal((await world.db.query('select 1 from messaging.outbox')).rowCount, 0)
    })

    test('a saga is correlated, keeps its state under concurrent messages, and completes', async () => {
      await bus.start(host)
      await bus.start(observer)
      const session = bus.session('web')

      await session.send(StartVisit, { visitId: 'v1', timeoutMs: 3_600_000 })
      await eventually(async () => assert.equal((await sagaRows(world)).length, 1))
      await Promise.all(Array.from({ length: 5 }, () => session.send(TouchVisit, { visitId: 'v1' })))
      await eventually(async () => {
        const row = (await world.db.query<{ state: { touches: number } }>('select state from messaging.sagas')).rows[0]
        assert.equal(row?.state.touches, 5)
      })
      await session.send(EndVisit, { visitId: 'v1' })

      const [closed] = await eventually(async () => { const e = await effects(world.db, 'closed'); assert.equal(e.length, 1); return e })
      assert.deepEqual(closed!.detail, { visitId: 'v1', why: 'ended', touches: 5 })
      assert.deepEqual(await sagaRows(world), [])
      await session.send(TouchVisit, { visitId: 'v1' }) // a message for a completed saga finds nothing and does nothing
    })

    test("a saga's timeout fires after the process restarts", async () => {
      await bus.start(host)
      await bus.start(observer)
      await bus.session('web').send(StartVisit, { visitId: 'v2', timeoutMs: 1_500 })
      await eventually(async () => assert.equal((await sagaRows(world)).length, 1))

      await bus.stop()
      await world.close()
      world = await world.reopen()
      bus = startBus(world)
      await bus.start(host)
      await bus.start(observer)

      const [closed] = await eventually(async () => { const e = await effects(world.db, 'closed'); assert.equal(e.length, 1); return e })
      assert.deepEqual(closed!.detail, { visitId: 'v2', why: 'timed-out', touches: 0 })
      assert.deepEqual(await sagaRows(world), [])
    })

    test('bad messages are refused at the sender with a clear error, and nothing is stored', async () => {
      const session = bus.session('web')
      await assert.rejects(session.send(Ping, { text: 42 } as never), { code: 'INVALID_MESSAGE', message: /test.Ping/ })
      await assert.rejects(session.send(Ping, { text: 'x'.repeat(101) }), { code: 'INVALID_MESSAGE' })
      await assert.rejects(session.send(Blob, { text: 'x'.repeat(70_000) }), { code: 'MESSAGE_TOO_LARGE' })
      await assert.rejects(session.send(Happened as never, { key: 'k' } as never), { code: 'WRONG_INTENT' })
      await assert.rejects(session.publish(Ping as never, { text: 'k' } as never), { code: 'WRONG_INTENT' })
      assert.equal((await world.db.query('select 1 from messaging.queue')).rowCount, 0)
      assert.equal((await world.db.query('select 1 from messaging.outbox')).rowCount, 0)
    })

    test('malformed, unknown, oversized and unhandled messages go to the error queue with the reason; the rest flow on', async () => {
      const handled: string[] = []
      await bus.start(defineEndpoint({ name: 'pong', handlers: [handle(Ping, (m) => void handled.push(m.text))] }))
      const headers = (type: string) => ({
        messageId: randomUUID(), type, intent: 'send', correlationId: randomUUID(),
        traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, sentAt: new Date().toISOString(),
      })
      const { messageId: _, ...noId } = headers('test.Ping')
      const bad = [
        { headers: headers('test.Nope'), body: '{}', code: 'UNKNOWN_MESSAGE_TYPE' },
        { headers: headers('test.Ping'), body: '{not json', code: 'MALFORMED_ENVELOPE' },
        { headers: headers('test.Ping'), body: '{"text":7}', code: 'INVALID_MESSAGE' },
        { headers: noId, body: '{"text":"hi"}', code: 'MALFORMED_ENVELOPE' },
        { headers: headers('test.Ping'), body: JSON.stringify({ text: 'x'.repeat(70_000) }), code: 'MESSAGE_TOO_LARGE' },
        { headers: headers('test.Pong'), body: '{"text":"hi"}', code: 'NO_HANDLER' },
      ]
      const flush = await world.db.transaction((tx) => world.transport.enqueue(tx, [
        ...bad.map((m) => ({ destination: { queue: 'pong' }, messageId: randomUUID(), message: { headers: m.headers, body: m.body } })),
        { destination: { queue: 'pong' }, messageId: randomUUID(), message: { headers: headers('test.Ping'), body: '{"text":"fine"}' } },
      ]))
      await flush()

      await eventually(() => assert.deepEqual(handled, ['fine']))
      const { items } = await eventually(async () => {
        const listed = await bus.errors.list({ limit: 20, offset: 0 })
        assert.equal(listed.total, bad.length)
        return listed
      })
      assert.deepEqual(items.map((i) => i.code).sort(), bad.map((b) => b.code).sort())
      for (const item of items) {
        assert.equal(item.attempts, 0)
        assert.ok(item.reason.length > 0)
      }
    })
  })
}

const Relay = defineCommand('test.Relay', 'relay-worker', z.object({ key: z.string() }))
const Relayed = defineCommand('test.Relayed', 'relay-listener', z.object({ key: z.string() }))
const relayCatalog = new MessageCatalog([Relay, Relayed])
const relayWorker = defineEndpoint({ name: 'relay-worker', handlers: [handle(Relay, (m, ctx) => ctx.send(Relayed, m))] })
const relayListener = defineEndpoint({ name: 'relay-listener', handlers: [handle(Relayed, (m, ctx) => recordEffect(ctx.tx, 'relayed', m.key))] })

for (const shape of shapes) {
  describe(`publishing after commit on ${shape.name}`, () => {
    test('a batch\'s messages go out without waiting for the batch before them to be confirmed', async () => {
      const world = await shape.create([testMigrations])
      // The transport as it is, except that the flush after the batch that relayed "held" waits until the test lets it.
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let heldAsked!: () => void
      const heldFlushAsked = new Promise<void>((resolve) => (heldAsked = resolve))
      let freeAsked = false
      const transport = new Proxy(world.transport, {
        get(target, property) {
          if (property !== 'enqueue') {
            const value: unknown = Reflect.get(target, property, target)
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
          }
          return async (...args: Parameters<typeof target.enqueue>) => {
            const flush = await target.enqueue(...args)
            const relayed = (key: string) => args[1].some((m) => 'queue' in m.destination && m.destination.queue === 'relay-listener' && m.message.body.includes(key))
            if (relayed('free')) return async () => {
              freeAsked = true
              await flush()
            }
            if (!relayed('held')) return flush
            return async () => {
              heldAsked()
              await gate
              await flush()
            }
          }
        },
      })
      const bus = createBus({ db: world.db, transport, catalog: relayCatalog, logger: capturingLogger().logger, instanceId: randomUUID().slice(0, 8) })
      try {
        await bus.start(relayListener)
        await bus.start(relayWorker)
        await bus.session('test').send(Relay, { key: 'held' })
        await heldFlushAsked
        await bus.session('test').send(Relay, { key: 'free' })

        // While the first batch's publishing still waits, the next one's goes out (not after it: the sweeper would
        // deliver both in a few seconds anyway, so what is asked of the transport is what tells).
        await eventually(() => assert.equal(freeAsked, true))
        await eventually(async () => assert.deepEqual((await effects(world.db, 'relayed')).map((e) => e.key).filter((k) => k === 'free'), ['free']))
        release()
        await eventually(async () => assert.deepEqual((await effects(world.db, 'relayed')).map((e) => e.key).sort(), ['free', 'held']))
      } finally {
        release()
        await bus.stop()
        await world.destroy()
      }
    })
  })
}
