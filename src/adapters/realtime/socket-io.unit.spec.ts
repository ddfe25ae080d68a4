import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { everyFewSeconds } from './socket-io.ts'

describe('the socket adapter\'s failures, logged every few seconds', () => {
  test('given an outage that fails push after push, when they keep coming, then a line every ten seconds says how many it stands for', () => {
    let now = 0
    const lines: { error: unknown; repeated: number }[] = []
    const failed = everyFewSeconds((error, repeated) => lines.push({ error, repeated }), () => now)
    failed('at 0 s')
    assert.deepEqual(lines, [{ error: 'at 0 s', repeated: 1 }], 'the first at once')
    for (now = 1; now < 10_000; now += 1) failed(`at ${now} ms`)
    assert.equal(lines.length, 1, 'then quiet for ten seconds')
    failed('at 10 s')
    assert.deepEqual(lines[1], { error: 'at 10 s', repeated: 10_000 }, 'the 9,999 quiet ones and this')
    now = 60_000
    failed('a minute in')
    assert.deepEqual(lines[2], { error: 'a minute in', repeated: 1 })
  })
})
