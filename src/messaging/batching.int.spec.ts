import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { BUNDLE_HEADER, defaultBundleLimits } from './bundle.ts'
import { createBus, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { firstHeaders } from './envelope.ts'
import { handle, handleBatch } from './handler.ts'
import { defineCommand, defineEvent, MessageCatalog } from './message.ts'
import { partitionQueue } from './partitions.ts'

const Reserve = defineCommand('test.Reserve', 'reserver', z.object({
  showing: z.string(),
  key: z.string(),
  fail: z.enum(['none', 'throw', 'throw-after-send', 'write-fails-alongside']).default('none'),
}), { partitions: { count: 1, key: (m) => m.showing } })
const Reserved = defineEvent('test.Reserved', z.object({ key: z.string() }))
const catalog = new MessageCatalog([Reserve, Reserved])
const policy = { immediateRetries: 0, delayedRetries: [], maxDeliveries: 5 }

const sending = [{ name: 'in bundles', bundle: defaultBundleLimits }, { name: 'one by one', bundle: { ...defaultBundleLimits, maxMessages: 1 } }]

for (const shape of shapes) for (const { name, bundle } of sending) {
  describe(`a batch of a partition's messages on ${shape.name}, sent ${name}`, () => {
    let world: World
    let bus: Bus
    beforeEach(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8), recoverability: policy, bundle })
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('a duplicate, a malformed message, a throwing handler, a throw after sending, a write alongside that fails and another showing: the others take effect once, the bad ones take their paths', async () => {
      const batches: string[][] = []
      const reserver = defineEndpoint({
        name: 'reserver',
        partitions: 1,
        handlers: [handleBatch(Reserve, async (items) => {
          batches.push(items.map(({ data }) => data.key))
          for (const { data, context } of items) {
            if (data.fail === 'throw') throw new Error(`reservation ${data.key} is on fire`)
            context.publish(Reserved, { key: data.key })
            await recordEffect(context.tx, 'reserve', data.key)
            // Division by zero: the statement fails after the handler went on, and fails the handling all the same.
            if (data.fail === 'write-fails-alongside') {
              context.alongside(context.tx.query('select 1 / (select count(*) from messaging.inbox where false)'))
              // Refused by the database for the write before it; what fails the message is that write.
              await recordEffect(context.tx, 'after-the-bad-write', data.key)
            }
            if (data.fail === 'throw-after-send') throw new Error(`reservation ${data.key} threw after sending`)
          }
        })],
      })
      await bus.start(defineEndpoint({ name: 'observer', handlers: [handle(Reserved, (m, ctx) => recordEffect(ctx.tx, 'seen', m.key))] }))

      // Everything is queued before the writer starts, so that it finds it all ready at once.
      const partition = partitionQueue('reserver', 0)
      await world.transport.declare({ queue: partition, events: [], temporary: false, singleActiveConsumer: true })
      const duplicated = randomUUID()
      const malformedId = randomUUID()
      await bus.session('web').transaction(async (tx, out) => {
        out.send(Reserve, { showing: 'dune', key: 'first', fail: 'none' }, { messageId: duplicated })
        out.send(Reserve, { showing: 'dune', key: 'first', fail: 'none' }, { messageId: duplicated })
        const headers = firstHeaders(Reserve.type, 'send', new Date(), { messageId: malformedId })
        await world.transport.enqueue(tx, [{ destination: { queue: partition }, messageId: malformedId, message: { headers: { ...headers }, body: '{"showing": "dune", "key":' } }])
        out.send(Reserve, { showing: 'dune', key: 'on-fire', fail: 'throw' })
        out.send(Reserve, { showing: 'dune', key: 'half-sent', fail: 'throw-after-send' })
        out.send(Reserve, { showing: 'dune', key: 'written-badly', fail: 'write-fails-alongside' })
        out.send(Reserve, { showing: 'top-gun', key: 'other-showing', fail: 'none' })
        out.send(Reserve, { showing: 'dune', key: 'last', fail: 'none' })
      })
      if (world.transport.kind === 'db') {
        // Sent in bundles, the session's seven messages travel as one row; the malformed one was written alone.
        const rows = (await world.db.query('select 1 from messaging.queue where queue = $1', [partition])).rowCount
        assert.equal(rows, bundle.maxMessages > 1 ? 2 : 8)
      }
      await bus.start(reserver)

      await eventually(async () => {
        assert.deepEqual((await effects(world.db, 'reserve')).map((e) => e.key).sort(), ['first', 'last', 'other-showing'])
        assert.deepEqual((await effects(world.db, 'seen')).map((e) => e.key).sort(), ['first', 'last', 'other-showing'])
        const failed = await bus.errors.list({ limit: 10, offset: 0 })
        assert.equal(failed.items.length, 4)
      }, { timeoutMs: 30_000 })
      const failed = (await bus.errors.list({ limit: 10, offset: 0 })).items
      const byCode = failed.map((f) => `${f.code}: ${f.code === 'MALFORMED_ENVELOPE' ? f.messageId : JSON.parse(f.body).key}`).sort()
      assert.deepEqual(byCode, ['HANDLER_FAILED: half-sent', 'HANDLER_FAILED: on-fire', 'HANDLER_FAILED: written-badly', `MALFORMED_ENVELOPE: ${malformedId}`])
      assert.match(failed.find((f) => f.body.includes('written-badly'))!.reason, /division by zero/)
      if (world.transport.kind === 'db') assert.ok(batches.some((keys) => keys.length >= 5), `the queued messages were decided together: ${JSON.stringify(batches)}`)
      // Nothing of the failed ones escaped, and each good one was handled in exactly one committed attempt.
      const inbox = (await world.db.query<{ n: number }>(`select count(*)::int as n from messaging.inbox where queue = 'reserver.p0'`)).rows[0]!.n
      assert.equal(inbox, 3)
    })

    test('a per-instance endpoint keeps its inbox in memory: no inbox row, and a duplicate, in one batch or a later one, is handled once', async () => {
      const seen: string[] = []
      const shows = defineEndpoint({ name: 'shows', perInstance: true, handlers: [handle(Reserved, (m) => void seen.push(m.key))] })
      const running = await bus.start(shows)
      const twice = randomUUID()
      await bus.session('web').transaction(async (_tx, out) => {
        out.publish(Reserved, { key: 'once' }, { messageId: twice })
        out.publish(Reserved, { key: 'once' }, { messageId: twice })
        out.publish(Reserved, { key: 'other' })
      })
      await eventually(async () => assert.deepEqual([...seen].sort(), ['once', 'other']), { timeoutMs: 30_000 })
      // Sent again later (as the outbox sweeper may republish), with a marker in the same transaction, after it: once
      // the marker is handled, so was the copy.
      await bus.session('web').transaction(async (_tx, out) => {
        out.publish(Reserved, { key: 'once' }, { messageId: twice })
        out.publish(Reserved, { key: 'marker' })
      })
      await eventually(async () => assert.deepEqual([...seen].sort(), ['marker', 'once', 'other']), { timeoutMs: 30_000 })
      assert.equal((await world.db.query('select 1 from messaging.inbox where queue = $1', [running.queue])).rowCount, 0)
    })

    test('a bundle that cannot be opened goes to the error queue whole; a message in a bundle that cannot be read goes alone', async () => {
      await bus.start(defineEndpoint({
        name: 'reserver',
        partitions: 1,
        handlers: [handleBatch(Reserve, async (items) => {
          for (const { data, context } of items) await recordEffect(context.tx, 'reserve', data.key)
        })],
      }))
      const partition = partitionQueue('reserver', 0)
      const message = (key: string, body = JSON.stringify({ showing: 'dune', key })) =>
        ({ headers: { ...firstHeaders(Reserve.type, 'send', new Date()) }, body })
      const unreadable = message('torn', '{"showing": "dune", "key":')
      const bundleOf = (body: string, count: number) => {
        const messageId = randomUUID()
        return { destination: { queue: partition }, messageId, message: { headers: { messageId, type: 'popcorn.Bundle', [BUNDLE_HEADER]: count, sentAt: new Date().toISOString() }, body } }
      }
      const broken = bundleOf('[{"headers": {}, "body": 3}]', 1)
      const countedWrong = bundleOf(JSON.stringify([message('counted-wrong')]), 2)
      await world.db.transaction(async (tx) => {
        const flush = await world.transport.enqueue(tx, [
          bundleOf(JSON.stringify([message('before'), unreadable, message('after')]), 3),
          broken,
          countedWrong,
        ])
        // RabbitMQ publishes after commit; the database queue's flush does nothing.
        setImmediate(() => void flush())
      })

      await eventually(async () => {
        assert.deepEqual((await effects(world.db, 'reserve')).map((e) => e.key).sort(), ['after', 'before'])
        assert.equal((await bus.errors.list({ limit: 10, offset: 0 })).items.length, 3)
      }, { timeoutMs: 30_000 })
      const failed = (await bus.errors.list({ limit: 10, offset: 0 })).items
      assert.deepEqual(failed.map((f) => `${f.code} ${f.messageId}`).sort(),
        [broken.messageId, countedWrong.messageId, String(unreadable.headers.messageId)].map((id) => `MALFORMED_ENVELOPE ${id}`).sort())
      const torn = failed.find((f) => f.messageId === unreadable.headers.messageId)!
      assert.equal(torn.body, unreadable.body, 'the error queue holds the message that failed, not its bundle')
      if (world.transport.kind === 'db') {
        await eventually(async () => assert.equal((await world.db.query('select 1 from messaging.queue where queue = $1', [partition])).rowCount, 0))
      }
    })
  })
}
