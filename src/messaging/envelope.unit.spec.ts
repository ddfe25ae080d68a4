import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { causedHeaders, firstHeaders, readHeaders } from './envelope.ts'

const now = new Date('2026-11-23T09:00:00Z')

describe('envelope headers', () => {
  test('a first message starts its own conversation: correlation id is its message id', () => {
    const headers = firstHeaders('ordering.SubmitOrder', 'send', now, { originClient: 'browser-1', replyTo: 'web.a' })
    assert.equal(headers.correlationId, headers.messageId)
    assert.equal(headers.causationId, undefined)
    assert.equal(headers.originClient, 'browser-1')
    assert.equal(headers.replyTo, 'web.a')
    assert.equal(headers.sentAt, now.toISOString())
  })

  test('a caused message carries correlation, origin client and trace along, and names its cause', () => {
    const cause = firstHeaders('ordering.SubmitOrder', 'send', now, { originClient: 'browser-1' })
    const caused = causedHeaders(cause, 'ordering.OrderAccepted', 'publish', now, { replyTo: 'ordering' })
    const grandchild = causedHeaders(caused, 'notifications.SendTickets', 'send', now)
    assert.equal(grandchild.correlationId, cause.messageId)
    assert.equal(grandchild.causationId, caused.messageId)
    assert.equal(grandchild.originClient, 'browser-1')
    assert.equal(grandchild.traceparent.split('-')[1], cause.traceparent.split('-')[1])
    assert.notEqual(grandchild.traceparent, caused.traceparent)
    assert.notEqual(grandchild.messageId, caused.messageId)
  })

  test('headers off the wire are read, and unreadable ones refused with what is wrong', () => {
    const headers = firstHeaders('a.B', 'send', now)
    assert.deepEqual(readHeaders({ headers: { ...headers, delayedRetries: '2' }, body: '{}' }), { ...headers, delayedRetries: 2 })
    assert.throws(() => readHeaders({ headers: { ...headers, messageId: 'nope' }, body: '{}' }), { code: 'MALFORMED_ENVELOPE', message: /messageId/ })
    assert.throws(() => readHeaders({ headers: { ...headers, intent: 'shout' }, body: '{}' }), { code: 'MALFORMED_ENVELOPE', message: /intent/ })
  })
})
