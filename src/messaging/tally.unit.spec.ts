import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createTally } from './tally.ts'

describe('a process’s tally of its endpoints', () => {
  test('given retries and batches over time, the summary counts the last minute’s, per endpoint (partitions together)', () => {
    let now = 0
    const tally = createTally(() => now)
    tally.observer.retried('ordering.p3', 'ordering.SubmitOrder')
    for (const ms of [10, 20, 30, 40]) tally.observer.handled('ordering.p1', ms, [])
    now = 30_000
    tally.observer.retried('ordering', 'ordering.OpenShowtime')
    tally.observer.handled('billing', 5, [])
    assert.deepEqual(tally.summary(), {
      ordering: { retried: 2, processingMs: { p50: 30, p99: 40 } },
      billing: { retried: 0, processingMs: { p50: 5, p99: 5 } },
    })
    now = 75_000 // the first ones are over a minute old
    assert.deepEqual(tally.summary(), {
      ordering: { retried: 1, processingMs: { p50: null, p99: null } },
      billing: { retried: 0, processingMs: { p50: 5, p99: 5 } },
    })
  })
})
