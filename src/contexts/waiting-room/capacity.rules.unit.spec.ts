import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { capacityOf, remember, type RememberedCapacity } from './capacity.rules.ts'

const t0 = new Date('2026-05-01T09:00:00.000Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const settings = { floor: 20, halfLifeMs: 60_000 }

describe('the remembered capacity', () => {
  test('remembers the best busy second, not the average', () => {
    const after = remember({ rate: 0, at: t0 }, [40, 180, 175, 30, 0], at(1), settings)
    assert.deepEqual(after, { rate: 180, at: at(1) })
    assert.equal(capacityOf(after, at(1), settings), 180)
  })

  test('fades when the workers are not seen that busy again, halving every half-life', () => {
    let remembered: RememberedCapacity = { rate: 200, at: t0 }
    for (let s = 1; s <= 60; s++) remembered = remember(remembered, [10, 12], at(s), settings)
    assert.ok(Math.abs(remembered.rate - 100) < 1e-9, String(remembered.rate))
    assert.ok(Math.abs(capacityOf(remembered, at(120), settings) - 50) < 1e-9)
  })

  test('never below the floor: an idle system is taken to manage the floor', () => {
    assert.equal(capacityOf({ rate: 0, at: t0 }, at(1), settings), 20)
    assert.equal(capacityOf({ rate: 400, at: t0 }, at(3_600), settings), 20)
  })

  test('a busier second than remembered is remembered at once', () => {
    assert.equal(remember({ rate: 100, at: t0 }, [90, 250], at(1), settings).rate, 250)
  })
})
