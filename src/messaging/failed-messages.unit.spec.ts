import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MessagingError } from './errors.ts'
import { failureOf, fingerprintOf, firstFrameOf } from './failed-messages.ts'

const stack = (...frames: string[]) => ['Error: the projector is on fire', ...frames.map((f) => `    at ${f}`)].join('\n')

describe('a failure’s fingerprint', () => {
  test('is the first frame of our own code, past the libraries’, without its column', () => {
    assert.equal(firstFrameOf(stack('Client.query (/work/main/node_modules/pg/lib/client.js:526:17)', 'saveView (/work/main/src/contexts/ordering/orders.ts:140:3)', 'run (/work/main/src/messaging/pipeline.ts:190:9)')),
      'saveView (src/contexts/ordering/orders.ts:140)')
    assert.equal(firstFrameOf(stack('file:///srv/popcorn/src/contexts/billing/ledger.ts:12:5')), '(src/contexts/billing/ledger.ts:12)')
    assert.equal(firstFrameOf(stack('async Promise.all (index 0)', 'node:internal/process/task_queues:95:5')), '', 'none of ours')
    assert.equal(firstFrameOf(undefined), '')
  })

  test('tells causes apart by exception type and place, whatever the message says', () => {
    assert.equal(fingerprintOf('Error', '(src/a.ts:1)'), fingerprintOf('Error', '(src/a.ts:1)'))
    assert.notEqual(fingerprintOf('Error', '(src/a.ts:1)'), fingerprintOf('TypeError', '(src/a.ts:1)'))
    assert.notEqual(fingerprintOf('Error', '(src/a.ts:1)'), fingerprintOf('Error', '(src/a.ts:2)'))
    assert.equal(failureOf(new TypeError('x'), 1).exceptionType, 'TypeError')
    assert.equal(failureOf(new MessagingError('INVALID_MESSAGE', 'bad'), 0).exceptionType, 'INVALID_MESSAGE')
  })
})
