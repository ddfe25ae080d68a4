import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { lineChart, tickStep } from './chart.ts'

describe('the lab’s charts', () => {
  test('ticks step by 1, 2 or 5 times a power of ten, about five of them', () => {
    assert.deepEqual([3, 7, 12, 40, 100, 730].map(tickStep), [1, 2, 5, 10, 20, 200])
  })

  test('given two runs, one done early, when drawn, then both span the time drawn and the outage is shaded where it was', () => {
    const chart = lineChart([
      { key: 'a', label: 'fast', points: [[0, 0], [1_000, 10]] },
      { key: 'b', label: 'slow', points: [[0, 0], [2_000, 5], [4_000, 10]] },
    ], 10, [1_000, 3_000])
    assert.equal(chart.lines[0]!.points.split(' ').length, 3, 'the fast run held at its last value to the end')
    assert.equal(chart.lines[0]!.points.split(' ').at(-1), chart.lines[1]!.points.split(' ').at(-1), 'both end at the same place')
    assert.deepEqual(chart.xTicks.map((t) => t.label), ['0 s', '1 s', '2 s', '3 s', '4 s'])
    assert.equal(chart.band!.x, chart.xTicks[1]!.x, 'from 1 s')
    assert.equal(Math.round(chart.band!.x + chart.band!.width), Math.round(chart.xTicks[3]!.x), 'to 3 s')
    assert.equal(chart.yTicks.at(-1)!.label, '10')
  })
})
