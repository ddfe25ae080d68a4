import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { defineEndpoint, partitionQueuesOf } from './endpoint.ts'
import { handle } from './handler.ts'
import { defineCommand } from './message.ts'
import { destinationOf, OutgoingBuffer } from './outgoing.ts'
import { fnv1a32, partitionOf } from './partitions.ts'

const PlaceSeats = defineCommand('t.PlaceSeats', 'ordering', z.object({ showtimeId: z.string(), seats: z.number().int() }), {
  partitions: { count: 8, key: (m) => m.showtimeId },
})

describe('the partition of a key', () => {
  test('is FNV-1a over UTF-8: the same number in every process and every release', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5)
    assert.equal(fnv1a32('a'), 0xe40c292c)
    assert.equal(fnv1a32('foobar'), 0xbf9cf968)
    assert.equal(fnv1a32('é'), 0x1e9de8c1) // two bytes in UTF-8, not one UTF-16 unit
  })

  test('is the same for the same key, and 1,000 keys reach every one of 8 partitions', () => {
    const counts = new Array<number>(8).fill(0)
    for (let i = 0; i < 1_000; i++) {
      const key = `showtime-${i}`
      const partition = partitionOf(key, 8)
      assert.equal(partitionOf(key, 8), partition)
      assert.ok(Number.isInteger(partition) && partition >= 0 && partition < 8)
      counts[partition]!++
    }
    for (const count of counts) assert.ok(count > 1_000 / 8 / 2, `uneven spread: ${counts.join(', ')}`)
  })
})

describe('a partitioned command', () => {
  test("goes to its owner's partition queue for its key", () => {
    const to = (showtimeId: string) => destinationOf(PlaceSeats, 'send', undefined, { showtimeId, seats: 2 })
    assert.deepEqual(to('st-1'), { queue: `ordering.p${partitionOf('st-1', 8)}` })
    assert.deepEqual(to('st-1'), to('st-1'))
    const out = new OutgoingBuffer({ maxBodyBytes: 1000 }, new Date(), { endpoint: 'web' })
    out.add(PlaceSeats, { showtimeId: 'st-2', seats: 1 }, 'send')
    assert.deepEqual(out.messages[0]!.destination, { queue: `ordering.p${partitionOf('st-2', 8)}` })
  })

  test('refuses a count that is not a positive integer', () => {
    assert.throws(() => defineCommand('t.Bad', 'x', z.object({ k: z.string() }), { partitions: { count: 0, key: (m) => m.k } }), /positive integer/)
  })

  test('is consumed only by an endpoint of its owner with the same number of partitions', () => {
    const handler = handle(PlaceSeats, () => {})
    assert.deepEqual(partitionQueuesOf(defineEndpoint({ name: 'ordering', partitions: 8, handlers: [handler] }), 'ordering'),
      ['ordering.p0', 'ordering.p1', 'ordering.p2', 'ordering.p3', 'ordering.p4', 'ordering.p5', 'ordering.p6', 'ordering.p7'])
    assert.deepEqual(partitionQueuesOf(defineEndpoint({ name: 'catalog' }), 'catalog'), [])
    assert.throws(() => partitionQueuesOf(defineEndpoint({ name: 'ordering', partitions: 4, handlers: [handler] }), 'ordering'),
      { code: 'MISCONFIGURED_ENDPOINT', message: /split over 8 partitions but the endpoint consumes 4/ })
    assert.throws(() => partitionQueuesOf(defineEndpoint({ name: 'ordering', handlers: [handler] }), 'ordering'),
      { code: 'MISCONFIGURED_ENDPOINT', message: /consumes none: set partitions: 8/ })
    assert.throws(() => partitionQueuesOf(defineEndpoint({ name: 'drawing', partitions: 8, handlers: [handler] }), 'drawing'),
      { code: 'MISCONFIGURED_ENDPOINT', message: /queues of "ordering"/ })
  })
})
