import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { countingDatabase, countingTransport } from '../../test/support/counting.ts'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { createBus, defaultLimits, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import type { GroupCommitSettings } from './group-commit.ts'
import { handle } from './handler.ts'
import { defineCommand, defineEvent, MessageCatalog } from './message.ts'
import { MessageSession } from './session.ts'

const Note = defineCommand('test.Note', 'group-listener', z.object({ key: z.string().max(20) }))
const Noted = defineEvent('test.Noted', z.object({ key: z.string() }))
const catalog = new MessageCatalog([Note, Noted])

const listener = defineEndpoint({
  name: 'group-listener',
  handlers: [
    handle(Note, (m, ctx) => recordEffect(ctx.tx, 'handled', m.key).then(() => {})),
    handle(Noted, (m, ctx) => recordEffect(ctx.tx, 'heard', m.key).then(() => {})),
  ],
})

/** The group closes when it is full, never by the clock: which requests share a transaction is decided, not timed. */
const whenFull = (max: number): GroupCommitSettings => ({ windowMs: 2, max, timer: () => () => {} })

const keysOf = async (world: World, kind: string) => (await effects(world.db, kind)).map((e) => e.key).sort()

for (const shape of shapes) {
  describe(`group commit on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let counted: ReturnType<typeof countingDatabase>
    let sent: ReturnType<typeof countingTransport>
    const session = (grouping: GroupCommitSettings) =>
      new MessageSession({ db: counted.db, transport: sent.transport, limits: defaultLimits, clock: () => new Date() }, { endpoint: 'web' }, grouping)

    beforeEach(async () => {
      world = await shape.create([testMigrations])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      await bus.start(listener)
      counted = countingDatabase(world.db)
      sent = countingTransport(world.transport)
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    test('requests arriving together share one transaction and one flush; each is answered after the commit, its messages sent once', async () => {
      const grouped = session(whenFull(40))
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`)
      const answers = await Promise.all(keys.map((key) => grouped.grouped(async (tx, out) => {
        await recordEffect(tx, 'stored', key)
        out.send(Note, { key })
        out.publish(Noted, { key })
        return key.toUpperCase()
      })))

      assert.deepEqual(answers, keys.map((k) => k.toUpperCase()), 'each caller gets its own result')
      assert.equal(counted.transactions(), 1)
      assert.deepEqual(sent.counts, { enqueues: 1, messages: 80, flushes: 1 })
      assert.deepEqual(await keysOf(world, 'stored'), [...keys].sort(), 'committed when answered')
      await eventually(async () => {
        assert.deepEqual(await keysOf(world, 'handled'), [...keys].sort())
        assert.deepEqual(await keysOf(world, 'heard'), [...keys].sort())
      }, { what: 'every command handled and every event heard, once' })
    })

    test('a member that throws, or whose statement the database refuses, fails alone; its neighbours commit with their messages', async () => {
      const grouped = session(whenFull(10))
      counted.poison('refused')
      const keys = Array.from({ length: 10 }, (_, i) => (i === 3 ? 'throws' : i === 7 ? 'refused' : `k${i}`))
      const answers = await Promise.allSettled(keys.map((key) => grouped.grouped(async (tx, out) => {
        out.send(Note, { key })
        await recordEffect(tx, 'stored', key)
        if (key === 'throws') throw new Error('this member is at fault')
        return key
      })))

      const told = answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))
      assert.deepEqual(told, keys.map((k) => (k === 'throws' ? 'this member is at fault' : k === 'refused' ? 'the database refused this statement' : k)))
      assert.equal(counted.transactions(), 1 + keys.length, 'the shared transaction, then each member alone')
      assert.equal(sent.counts.flushes, keys.length - 2, 'a flush for each member that committed')
      const good = keys.filter((k) => k.startsWith('k')).sort()
      assert.deepEqual(await keysOf(world, 'stored'), good, 'nothing of the failed members, nothing twice')
      await eventually(async () => assert.deepEqual(await keysOf(world, 'handled'), good), { what: 'the neighbours\' messages handled, once' })
    })

    test('a message that fails its schema fails its own request only', async () => {
      const grouped = session(whenFull(3))
      const answers = await Promise.allSettled(['a', 'x'.repeat(50), 'c'].map((key) => grouped.grouped(async (_, out) => void out.send(Note, { key }))))
      assert.deepEqual(answers.map((a) => a.status), ['fulfilled', 'rejected', 'fulfilled'])
      await eventually(async () => assert.deepEqual(await keysOf(world, 'handled'), ['a', 'c']))
    })

    test('without group commit, and for `transaction`, each request has a transaction of its own', async () => {
      const plain = new MessageSession({ db: counted.db, transport: sent.transport, limits: defaultLimits, clock: () => new Date() }, { endpoint: 'web' })
      const grouped = session(whenFull(3))
      await Promise.all([
        plain.grouped(async (_, out) => void out.send(Note, { key: 'p1' })),
        plain.grouped(async (_, out) => void out.send(Note, { key: 'p2' })),
        grouped.transaction(async (_, out) => void out.send(Note, { key: 't1' })),
        grouped.transaction(async (_, out) => void out.send(Note, { key: 't2' })),
      ])
      assert.equal(counted.transactions(), 4)
      assert.deepEqual(sent.counts, { enqueues: 4, messages: 4, flushes: 4 })
      await eventually(async () => assert.deepEqual(await keysOf(world, 'handled'), ['p1', 'p2', 't1', 't2']))
    })
  })
}
