import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import { draw, drawAlgorithm, randomStream, uniformBelow, type DrawEntry } from './draw.ts'
import { commitmentOf } from './seed.ts'

const seed = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
const entries: DrawEntry[] = [['ann', 2], ['bo', 1], ['cas', 4], ['dee', 1], ['eva', 2], ['fay', 3], ['gus', 1], ['hal', 2], ['ivy', 1], ['jo', 2]]
  .map(([id, tickets]) => ({ id: id as string, tickets: tickets as number }))
/** Seeds that are fixed, yet as unrelated as random ones: the test stays deterministic. */
const seedNo = (n: number) => createHash('sha256').update(`seed ${n}`).digest('hex')
const ids = (result: { winners: readonly DrawEntry[] }) => result.winners.map((w) => w.id)
const shuffled = <T>(items: readonly T[], by: number) => [...items].map((item, i) => ({ item, key: (i * 7919 + by) % 101 })).sort((a, b) => a.key - b.key).map((x) => x.item)

describe('the draw', () => {
  test(`known vector (${drawAlgorithm}): a fixed seed and entries give fixed winners, so a change of algorithm is caught`, () => {
    const stream = randomStream(seed)
    // HMAC-SHA256(key 00…1f, 8 zero bytes) = 9f0cd9b9 4097fe49 …, as `openssl dgst -sha256 -mac HMAC -macopt hexkey:…` says.
    assert.deepEqual(Array.from({ length: 9 }, stream), [0x9f0cd9b9, 0x4097fe49, 697404715, 2302849860, 962019937, 2740831489, 1676700775, 3571746969, 0xc432e059])
    assert.deepEqual(draw({ seed, entries, capacity: 8 }), {
      winners: [{ id: 'cas', tickets: 4 }, { id: 'ivy', tickets: 1 }, { id: 'ann', tickets: 2 }, { id: 'gus', tickets: 1 }],
      seatsAwarded: 8,
    })
  })

  test('the same seed and entries give the same winners, whatever order the entries come in', () => {
    const expected = draw({ seed, entries, capacity: 8 })
    for (const by of [1, 2, 3, 50]) assert.deepEqual(draw({ seed, entries: shuffled(entries, by), capacity: 8 }), expected)
    assert.deepEqual(draw({ seed, entries: [...entries].reverse(), capacity: 8 }), expected)
  })

  test('never more seats than capacity; every entry is a winner or not, once; an entry that does not fit is passed over, not the end', () => {
    for (let n = 0; n < 300; n++) {
      const capacity = n % 13
      const result = draw({ seed: seedNo(n), entries, capacity })
      const awarded = result.winners.reduce((sum, w) => sum + w.tickets, 0)
      assert.equal(result.seatsAwarded, awarded)
      assert.ok(awarded <= capacity, `${awarded} seats awarded of ${capacity}`)
      assert.equal(new Set(ids(result)).size, result.winners.length, 'no entry wins twice')
      for (const winner of result.winners) assert.ok(entries.includes(winner), 'every winner is an entry')
      // Passed over only when it no longer fits: every loser needs more seats than were left at the end.
      const seatsLeft = capacity - awarded
      for (const loser of entries.filter((e) => !result.winners.includes(e))) assert.ok(loser.tickets > seatsLeft, `${loser.id} would have fit`)
    }
  })

  test('enough seats for everyone: everyone wins; no seats or no entries: nobody does', () => {
    assert.equal(draw({ seed, entries, capacity: 100 }).winners.length, entries.length)
    assert.deepEqual(draw({ seed, entries, capacity: 0 }), { winners: [], seatsAwarded: 0 })
    assert.deepEqual(draw({ seed, entries: [], capacity: 10 }), { winners: [], seatsAwarded: 0 })
  })

  test('different seeds give different results, and over many seeds each entry wins about its share', () => {
    const people = Array.from({ length: 10 }, (_, i) => ({ id: `person-${i}`, tickets: 1 }))
    const rounds = 2_000
    const wins = new Map<string, number>()
    const firsts = new Map<string, number>()
    const outcomes = new Set<string>()
    for (let n = 0; n < rounds; n++) {
      const result = draw({ seed: seedNo(n), entries: people, capacity: 3 })
      for (const id of ids(result)) wins.set(id, (wins.get(id) ?? 0) + 1)
      firsts.set(result.winners[0]!.id, (firsts.get(result.winners[0]!.id) ?? 0) + 1)
      outcomes.add(ids(result).join(','))
    }
    // Each of 10 wins 3 of 10 seats: 600 of 2,000 expected, σ ≈ 20; 100 is five σ.
    for (const person of people) assert.ok(Math.abs(wins.get(person.id)! - 600) < 100, `${person.id} won ${wins.get(person.id)} times`)
    // Each is drawn first 1 in 10 times: 200 expected, σ ≈ 13.
    for (const person of people) assert.ok(Math.abs(firsts.get(person.id)! - 200) < 70, `${person.id} was first ${firsts.get(person.id)} times`)
    assert.ok(outcomes.size > 600, `${outcomes.size} different ordered winner lists of 720 possible`)
  })

  test('integers are unbiased: the uneven top of the range is drawn again', () => {
    const values = [2 ** 32 - 1, 2 ** 32 - 2, 7]
    // 2³² mod 3 = 1, so only 2³² − 1 is refused: the next value, 2³² − 2, gives (2³² − 2) mod 3 = 2.
    assert.equal(uniformBelow(() => values.shift()!, 3), 2)
    assert.throws(() => uniformBelow(() => 0, 0), RangeError)
  })

  test('bad input is refused: a seed that is not 32 bytes of hex, an entry twice, no tickets, negative seats', () => {
    assert.throws(() => draw({ seed: 'abc', entries, capacity: 1 }), /64 lower-case hex/)
    assert.throws(() => draw({ seed: seed.toUpperCase(), entries, capacity: 1 }), /64 lower-case hex/)
    assert.throws(() => draw({ seed, entries: [...entries, { id: 'ann', tickets: 1 }], capacity: 1 }), /ann appears twice/)
    assert.throws(() => draw({ seed, entries: [{ id: 'x', tickets: 0 }], capacity: 1 }), /0 tickets/)
    assert.throws(() => draw({ seed, entries, capacity: -1 }), /capacity/)
  })

  test('the commitment is sha256 of the seed as written, checkable with sha256sum', () => {
    // printf %s 000102…1f | sha256sum
    assert.equal(commitmentOf(seed), '6c86c6aac5fb24bcf5d9939cb7d7d5645ce39418f449e03b262dd4fa14b4b92b')
  })
})
