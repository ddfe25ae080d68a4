import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { z } from 'zod'
import { effects, recordEffect, testMigrations } from '../../test/support/effects.ts'
import { eventually, sleep } from '../../test/support/eventually.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type World } from '../../test/support/shapes.ts'
import { createBus, type Bus } from './bus.ts'
import { defineEndpoint } from './endpoint.ts'
import { handle } from './handler.ts'
import { defineCommand, MessageCatalog } from './message.ts'
import { partitionOf } from './partitions.ts'

const Append = defineCommand('test.Append', 'appender', z.object({ streamId: z.string(), seq: z.number().int() }), {
  partitions: { count: 4, key: (m) => m.streamId },
})
const catalog = new MessageCatalog([Append])
const streams = ['s-1', 's-2', 's-3', 's-4', 's-5']
const streamOf = (seq: number) => streams[seq % streams.length]!

/**
 * What the handlers saw, in this process's memory: several buses here stand for several processes. On PGlite
 * transactions never interleave, so "one at a time" holds there anyway; db-queue.int.spec.ts shows the single
 * active consumer itself on it.
 */
const observe = () => {
  const inFlight = new Map<string, number>()
  const handledBy = new Map<number, string[]>()
  let mostAtOnce = 0
  const endpoint = (bus: string) => defineEndpoint({
    name: 'appender',
    partitions: 4,
    handlers: [handle(Append, async (m, ctx) => {
      const now = (inFlight.get(m.streamId) ?? 0) + 1
      inFlight.set(m.streamId, now)
      mostAtOnce = Math.max(mostAtOnce, now)
      try {
        await sleep(1) // room for a second handler of the stream to start, were the stream not serialised
        await recordEffect(ctx.tx, 'append', `${m.streamId}:${m.seq}`)
      } finally {
        inFlight.set(m.streamId, inFlight.get(m.streamId)! - 1)
      }
      handledBy.set(m.seq, [...(handledBy.get(m.seq) ?? []), bus])
    })],
  })
  /** Every seq in [from, to) handled exactly once, and never two handlers of one stream at once. */
  const allHandledOnce = (from: number, to: number) => eventually(() => {
    for (let seq = from; seq < to; seq++) assert.equal(handledBy.get(seq)?.length, 1, `seq ${seq} handled ${handledBy.get(seq)?.length ?? 0} times`)
    assert.equal(mostAtOnce, 1)
  }, { timeoutMs: 60_000 })
  return { endpoint, allHandledOnce, handledBy, mostAtOnce: () => mostAtOnce }
}

/** `senders` senders at once, each sending its share of [from, to) in order. */
const sendAll = (buses: readonly Bus[], from: number, to: number, senders = 4) =>
  Promise.all(Array.from({ length: senders }, async (_, i) => {
    const session = buses[i % buses.length]!.session(`sender-${i}`)
    for (let seq = from + i; seq < to; seq += senders) await session.send(Append, { streamId: streamOf(seq), seq })
  }))

for (const shape of shapes) {
  describe(`partitioned commands on ${shape.name}`, () => {
    let world: World
    let second: World | undefined
    let buses: Bus[]
    const startBus = (on: World) => {
      const bus = createBus({ db: on.db, transport: on.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      buses.push(bus)
      return bus
    }

    beforeEach(async () => {
      buses = []
      second = undefined
      world = await shape.create([testMigrations])
    })
    afterEach(async () => {
      for (const bus of buses) await bus.stop()
      await second?.close()
      await world.destroy()
    })

    test('commands with one key are handled one at a time, each once, on the partition queues only', async () => {
      const seen = observe()
      const bus = startBus(world)
      await bus.start(seen.endpoint('a'))

      await sendAll([bus], 0, 200)

      await seen.allHandledOnce(0, 200)
      // Handlers run before their batch commits: the effects are there once it has.
      await eventually(async () => assert.equal((await effects(world.db, 'append')).length, 200))
      const inboxes = (await world.db.query<{ queue: string; n: number }>('select queue, count(*)::int as n from messaging.inbox group by queue order by queue')).rows
      const expected = new Map<string, number>()
      for (let seq = 0; seq < 200; seq++) {
        const queue = `appender.p${partitionOf(streamOf(seq), 4)}`
        expected.set(queue, (expected.get(queue) ?? 0) + 1)
      }
      assert.deepEqual(inboxes, [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([queue, n]) => ({ queue, n })))
    })

    test('with two processes, still one at a time per key; when the owner stops, the other takes over', async () => {
      const seen = observe()
      // Two processes: on PostgreSQL each with its own connections; PGlite belongs to one process, so two buses there.
      second = world.db.exclusive ? undefined : await world.reopen()
      const first = startBus(world)
      const other = startBus(second ?? world)
      await first.start(seen.endpoint('first'))
      await other.start(seen.endpoint('other'))

      await sendAll([first, other], 0, 200)
      await seen.allHandledOnce(0, 200)
      const byFirst = [...seen.handledBy].filter(([, by]) => by[0] === 'first').map(([seq]) => partitionOf(streamOf(seq), 4))
      assert.ok(byFirst.length > 0, 'the first bus to start owns partitions')

      await first.stop()
      await sendAll([other], 200, 300)

      await seen.allHandledOnce(200, 300)
      for (let seq = 200; seq < 300; seq++) assert.deepEqual(seen.handledBy.get(seq), ['other'])
      await eventually(async () => assert.equal((await effects(world.db, 'append')).length, 300))
    })

    test('an endpoint whose partitions do not match its partitioned commands does not start', async () => {
      const bus = startBus(world)
      await assert.rejects(bus.start(defineEndpoint({ name: 'appender', partitions: 2, handlers: [handle(Append, () => {})] })),
        { code: 'MISCONFIGURED_ENDPOINT', message: /split over 4 partitions but the endpoint consumes 2/ })
    })
  })
}
