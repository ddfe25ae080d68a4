import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { causalOrder, type Step } from './causal-order.ts'

const step = (messageId: string, at: string | null, causationId: string | null = null, sentBy: string | null = null, endpoint: string | null = null): Step =>
  ({ messageId, at, causationId, sentBy, endpoint })
const order = (steps: Step[]) => causalOrder(steps).map((s) => `${s.messageId}@${s.endpoint ?? '-'}:${s.depth}`)

describe('a conversation in causal order', () => {
  test('given a command, the event it caused and the command that caused, then each comes after its cause, deeper each time', () => {
    assert.deepEqual(order([
      step('c2', '2026-01-01T00:00:02Z', 'e1', 'b', 'c'),
      step('e1', '2026-01-01T00:00:01Z', 'c1', 'a', 'b'),
      step('c1', '2026-01-01T00:00:00Z', null, 'web', 'a'),
    ]), ['c1@a:0', 'e1@b:1', 'c2@c:2'])
  })

  test('given a clock behind its cause’s, then causation wins over time', () => {
    assert.deepEqual(order([
      step('reply', '2026-01-01T00:00:00.900Z', 'submit', 'writer', 'web.1'),
      step('submit', '2026-01-01T00:00:01Z', null, 'web', 'writer'),
    ]), ['submit@writer:0', 'reply@web.1:1'])
  })

  test('given siblings and an unrelated message, then ties are broken by time', () => {
    assert.deepEqual(order([
      step('late', '2026-01-01T00:00:05Z', 'root', 'a', 'x'),
      step('other', '2026-01-01T00:00:03Z', null, 'web', 'y'),
      step('early', '2026-01-01T00:00:02Z', 'root', 'a', 'x'),
      step('root', '2026-01-01T00:00:01Z', null, 'web', 'a'),
    ]), ['root@a:0', 'early@x:1', 'other@y:0', 'late@x:1'])
  })

  test('given an event handled at two endpoints, then each copy is listed, and what one of them sent comes after it', () => {
    assert.deepEqual(order([
      step('from-b', '2026-01-01T00:00:01Z', 'event', 'b', 'c'),
      step('event', '2026-01-01T00:00:00Z', null, 'a', 'b'),
      step('event', '2026-01-01T00:00:00Z', null, 'a', 'z'),
    ]), ['event@b:0', 'event@z:0', 'from-b@c:1'])
  })

  test('given a cause that was pruned, a cycle or no time, then every message is still listed once', () => {
    assert.deepEqual(order([step('orphan', '2026-01-01T00:00:01Z', 'gone', 'a', 'b')]), ['orphan@b:0'])
    assert.deepEqual(order([step('x', null, 'y', 'a', 'b'), step('y', null, 'x', 'b', 'a')]), ['x@b:0', 'y@a:1'])
  })
})
