import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { failsThisTime, faultsByEndpoint, type Fault } from './faults.ts'

const since = new Date('2025-01-01T00:00:00Z')
const fault = (endpoint: string, set: Partial<Omit<Fault, 'endpoint' | 'since'>>): Fault => ({ endpoint, delayMs: 0, failPercent: 0, paused: false, since, ...set })

describe('a fault\'s probability', () => {
  test('given a percentage, an attempt fails when the draw falls below it', () => {
    assert.equal(failsThisTime(30, () => 0.29), true)
    assert.equal(failsThisTime(30, () => 0.3), false)
    assert.equal(failsThisTime(30, () => 0.99), false)
  })

  test('given 0 %, no draw fails; given 100 %, every draw does', () => {
    for (const draw of [0, 0.5, 0.999999]) {
      assert.equal(failsThisTime(0, () => draw), false)
      assert.equal(failsThisTime(100, () => draw), true)
    }
  })

  test('given a seeded source, about the percentage asked fails', () => {
    let seed = 42
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    const failed = Array.from({ length: 10_000 }, () => failsThisTime(25, random)).filter(Boolean).length
    assert.ok(failed > 2_300 && failed < 2_700, `${failed} of 10,000 failed at 25 %`)
  })
})

describe('an endpoint\'s faults', () => {
  test('given a fault on the endpoint and one narrowed to a type, the type gets the stronger of both, other types the endpoint\'s', () => {
    const faults = faultsByEndpoint([
      fault('billing', { delayMs: 100, failPercent: 10 }),
      fault('billing', { messageType: 'billing.ChargeCard', delayMs: 5_000, failPercent: 50 }),
    ]).get('billing')!
    assert.equal(faults.delayMs(['billing.ChargeCard']), 5_000)
    assert.equal(faults.delayMs(['billing.Refund']), 100)
    assert.equal(faults.delayMs(['billing.Refund', 'billing.ChargeCard']), 5_000, 'a batch waits for the longest of its messages')
    assert.equal(faults.delayMs([]), 0)
    assert.equal(faults.failPercent('billing.ChargeCard'), 50)
    assert.equal(faults.failPercent('billing.Refund'), 10)
    assert.equal(faults.paused, false)
  })

  test('given a fault narrowed to a type only, other types are untouched', () => {
    const faults = faultsByEndpoint([fault('ordering', { messageType: 'ordering.SubmitOrder', failPercent: 100 })]).get('ordering')!
    assert.equal(faults.failPercent('ordering.SubmitOrder'), 100)
    assert.equal(faults.failPercent('ordering.CancelOrder'), 0)
    assert.equal(faults.delayMs(['ordering.CancelOrder']), 0)
  })

  test('given a paused endpoint, only it is paused; an endpoint without faults has none', () => {
    const byEndpoint = faultsByEndpoint([fault('drawing', { paused: true }), fault('billing', { delayMs: 1 })])
    assert.equal(byEndpoint.get('drawing')?.paused, true)
    assert.equal(byEndpoint.get('billing')?.paused, false)
    assert.equal(byEndpoint.get('ordering'), undefined)
  })
})
