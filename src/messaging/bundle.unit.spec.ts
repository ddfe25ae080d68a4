import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { BUNDLE_HEADER, bundleMessages, isBundle, openBundle } from './bundle.ts'
import { firstHeaders } from './envelope.ts'
import type { Destination, Outgoing } from './transport.ts'

const now = new Date('2026-11-23T09:00:00Z')
const message = (destination: Destination, key: string, deliverAt?: Date): Outgoing => {
  const headers = firstHeaders('test.Thing', 'send', now)
  return { destination, messageId: headers.messageId, message: { headers: { ...headers }, body: JSON.stringify({ key }) }, ...(deliverAt && { deliverAt }) }
}
const keysOf = (sent: Outgoing) => (isBundle(sent.message) ? openBundle(sent.message) : [sent.message]).map((m) => (JSON.parse(m.body) as { key: string }).key)
const limits = { maxMessages: 3, maxBytes: 1024 * 1024 }

describe('bundles', () => {
  test('given messages for two queues and a topic, each destination gets one bundle where its first message was, in its order', () => {
    const sent = bundleMessages([
      message({ queue: 'a' }, 'a1'), message({ topic: 'T' }, 't1'), message({ queue: 'b' }, 'b1'),
      message({ queue: 'a' }, 'a2'), message({ topic: 'T' }, 't2'),
    ], limits)
    assert.deepEqual(sent.map((s) => [s.destination, keysOf(s)]), [
      [{ queue: 'a' }, ['a1', 'a2']],
      [{ topic: 'T' }, ['t1', 't2']],
      [{ queue: 'b' }, ['b1']],
    ])
    assert.equal(sent[0]!.message.headers[BUNDLE_HEADER], 2)
    assert.equal(isBundle(sent[2]!.message), false, 'a message alone travels as itself')
  })

  test('a bundle holds at most its limit of messages, and of bytes', () => {
    const many = ['1', '2', '3', '4', '5'].map((key) => message({ queue: 'a' }, key))
    assert.deepEqual(bundleMessages(many, limits).map(keysOf), [['1', '2', '3'], ['4', '5']])
    const oneKb = (key: string) => ({ ...message({ queue: 'a' }, key), message: { headers: {}, body: JSON.stringify({ key, pad: 'x'.repeat(1000) }) } })
    assert.deepEqual(bundleMessages(['1', '2', '3'].map(oneKb), { maxMessages: 10, maxBytes: 2500 }).map(keysOf), [['1', '2'], ['3']])
  })

  test('a delayed message travels alone; a limit of 1 bundles nothing', () => {
    const later = message({ queue: 'a' }, 'later', new Date(now.getTime() + 1000))
    const sent = bundleMessages([message({ queue: 'a' }, '1'), later, message({ queue: 'a' }, '2')], limits)
    assert.deepEqual(sent.map(keysOf), [['1', '2'], ['later']])
    assert.equal(sent[1], later)
    const plain = [message({ queue: 'a' }, '1'), message({ queue: 'a' }, '2')]
    assert.deepEqual(bundleMessages(plain, { ...limits, maxMessages: 1 }), plain)
  })

  test('opening a bundle gives back each message as it was sent; a bundle that does not hold what it says is refused', () => {
    const originals = [message({ queue: 'a' }, '1'), message({ queue: 'a' }, '2')]
    const [bundle] = bundleMessages(originals, limits)
    assert.deepEqual(openBundle(bundle!.message), originals.map((o) => o.message))
    const tampered = { headers: { ...bundle!.message.headers, [BUNDLE_HEADER]: 3 }, body: bundle!.message.body }
    assert.throws(() => openBundle(tampered), /says it carries 3 messages and carries 2/)
    assert.throws(() => openBundle({ headers: { [BUNDLE_HEADER]: 1 }, body: '{"not": "a list"}' }), { code: 'MALFORMED_ENVELOPE' })
    assert.throws(() => openBundle({ headers: { [BUNDLE_HEADER]: 1 }, body: '[' }), /not JSON/)
  })

  test('a bundle writes the headers its messages share once, and gives back each message with exactly its own headers', () => {
    const first = message({ queue: 'a' }, '1')
    const second = message({ queue: 'a' }, '2')
    const { replyTo: _, ...withoutReplyTo } = { ...second.message.headers, replyTo: 'x' }
    const third = { ...message({ queue: 'a' }, '3'), message: { headers: { ...withoutReplyTo, intent: 'publish', extra: 7 }, body: '{"key":"3"}' } }
    const withReplyTo = { ...first, message: { ...first.message, headers: { ...first.message.headers, replyTo: 'web.1' } } }
    const [bundle] = bundleMessages([withReplyTo, second, third], limits)
    assert.deepEqual(openBundle(bundle!.message), [withReplyTo.message, second.message, third.message])
    const body = JSON.parse(bundle!.message.body) as { messages: { headers: Record<string, unknown> }[] }
    assert.deepEqual(Object.keys(body.messages[0]!.headers), [], 'the first message is all in the shared headers')
    assert.equal(body.messages[1]!.headers.sentAt, undefined, 'a header equal to the first message\'s is not repeated')
    assert.equal(body.messages[1]!.headers.replyTo, null, 'a header the first has and this one has not is marked null')
  })

  test('a bundle written as a plain list of messages (before shared headers) still opens', () => {
    const originals = [message({ queue: 'a' }, '1'), message({ queue: 'a' }, '2')]
    assert.deepEqual(openBundle({ headers: { [BUNDLE_HEADER]: 2 }, body: JSON.stringify(originals.map((o) => o.message)) }), originals.map((o) => o.message))
  })
})
