import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createEdgeEstimate } from './edge-estimate.ts'

const order = (orderId: string, tickets: number, showtimeId = 'top-gun-1') => ({ orderId, showtimeId, tickets })

describe('a web node\'s edge estimate', () => {
  test('promises while the seats left, minus what it promised and has not seen decided, cover the order', () => {
    const estimate = createEdgeEstimate()
    assert.equal(estimate.promise(order('a', 4), 10), true)
    assert.equal(estimate.promise(order('b', 4), 10), true)
    assert.equal(estimate.promise(order('c', 3), 10), false, '10 - 8 leaves 2')
    assert.equal(estimate.promise(order('d', 2), 10), true, 'the exact last seats')
    assert.equal(estimate.promise(order('e', 1), 10), false)
    assert.equal(estimate.pending('top-gun-1'), 10)
  })

  test('a decided order no longer counts: the writer\'s seats left have it now', () => {
    const estimate = createEdgeEstimate()
    estimate.promise(order('a', 6), 10)
    assert.equal(estimate.promise(order('b', 6), 10), false)
    estimate.settle('a')
    assert.equal(estimate.pending('top-gun-1'), 0)
    assert.equal(estimate.promise(order('b', 4), 4), true, 'seats left 4 after a was seated')
    estimate.settle('a')
    estimate.settle('never-promised')
    assert.equal(estimate.pending('top-gun-1'), 4, 'settling twice, or what was never promised, changes nothing')
  })

  test('each showtime has its own count', () => {
    const estimate = createEdgeEstimate()
    assert.equal(estimate.promise(order('a', 5, 'one'), 5), true)
    assert.equal(estimate.promise(order('b', 5, 'two'), 5), true)
    assert.deepEqual([estimate.pending('one'), estimate.pending('two'), estimate.pending('three')], [5, 5, 0])
  })

  test('the same order is promised once', () => {
    const estimate = createEdgeEstimate()
    assert.equal(estimate.promise(order('a', 2), 10), true)
    assert.equal(estimate.promise(order('a', 2), 10), false)
    assert.equal(estimate.pending('top-gun-1'), 2)
  })

  test('a promise whose reply never came is forgotten after the timeout, so it cannot block the showtime for ever', () => {
    let now = 0
    const estimate = createEdgeEstimate({ forgetAfterMs: 1_000, clock: () => now })
    estimate.promise(order('lost', 8), 10)
    now = 600
    estimate.promise(order('recent', 2), 10)
    now = 999
    assert.equal(estimate.promise(order('x', 1), 10), false)
    now = 1_000
    assert.equal(estimate.pending('top-gun-1'), 2, 'the first is forgotten, the second still counts')
    assert.equal(estimate.promise(order('y', 8), 10), true)
    now = 5_000
    assert.equal(estimate.pending('top-gun-1'), 0)
  })

  test('two web nodes keep independent estimates: together they can promise more than there is', () => {
    const nodeA = createEdgeEstimate()
    const nodeB = createEdgeEstimate()
    assert.equal(nodeA.promise(order('a', 20), 20), true)
    assert.equal(nodeB.promise(order('b', 20), 20), true)
    assert.equal(nodeA.pending('top-gun-1') + nodeB.pending('top-gun-1'), 40)
  })
})
