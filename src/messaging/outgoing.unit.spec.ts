import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { firstHeaders } from './envelope.ts'
import { defineCommand, defineEvent, defineReply, MessageCatalog } from './message.ts'
import { destinationOf, OutgoingBuffer } from './outgoing.ts'

const SubmitOrder = defineCommand('t.SubmitOrder', 'ordering', z.object({ tickets: z.number().int().min(1) }))
const OrderAccepted = defineEvent('t.OrderAccepted', z.object({ orderId: z.string() }))
const OrderResult = defineReply('t.OrderResult', z.object({ ok: z.boolean() }))
const now = new Date('2026-11-23T09:00:00Z')

describe('where a message goes', () => {
  test('a command goes to the endpoint that owns it, an event to its topic, a reply back to the sender', () => {
    assert.deepEqual(destinationOf(SubmitOrder, 'send'), { queue: 'ordering' })
    assert.deepEqual(destinationOf(OrderAccepted, 'publish'), { topic: 't.OrderAccepted' })
    assert.deepEqual(destinationOf(OrderResult, 'reply', 'web.a'), { queue: 'web.a' })
  })

  test('the wrong verb for a kind is refused', () => {
    assert.throws(() => destinationOf(OrderAccepted, 'send'), { code: 'WRONG_INTENT' })
    assert.throws(() => destinationOf(SubmitOrder, 'publish'), { code: 'WRONG_INTENT' })
    assert.throws(() => destinationOf(OrderResult, 'reply'), { code: 'WRONG_INTENT', message: /no reply-to/ })
  })
})

describe('sending from a handler', () => {
  const cause = firstHeaders('t.SubmitOrder', 'send', now, { originClient: 'browser-9', replyTo: 'web.b' })
  const buffer = () => new OutgoingBuffer({ maxBodyBytes: 100 }, now, { endpoint: 'ordering', replyTo: 'ordering' }, cause)

  test('what is sent is validated, serialised and addressed, in order', () => {
    const out = buffer()
    out.add(OrderAccepted, { orderId: 'o1' }, 'publish')
    out.add(OrderResult, { ok: true }, 'reply')
    assert.deepEqual(out.messages.map((m) => m.destination), [{ topic: 't.OrderAccepted' }, { queue: 'web.b' }])
    assert.equal(out.messages[1]!.message.body, '{"ok":true}')
    assert.equal(out.messages[1]!.message.headers.originClient, 'browser-9')
  })

  test('an invalid or oversized message is refused before anything is written', () => {
    const out = buffer()
    assert.throws(() => out.add(SubmitOrder, { tickets: 0 }, 'send'), { code: 'INVALID_MESSAGE', message: /tickets/ })
    assert.throws(() => out.add(OrderAccepted, { orderId: 'x'.repeat(200) }, 'publish'), { code: 'MESSAGE_TOO_LARGE' })
    assert.deepEqual(out.messages, [])
  })
})

describe('the message catalog', () => {
  test('knows each declared type once, and says so of an unknown one', () => {
    const catalog = new MessageCatalog([SubmitOrder, OrderAccepted])
    assert.equal(catalog.get('t.SubmitOrder'), SubmitOrder)
    assert.throws(() => catalog.get('t.Nope'), { code: 'UNKNOWN_MESSAGE_TYPE' })
    assert.throws(() => new MessageCatalog([SubmitOrder, defineCommand('t.SubmitOrder', 'x', z.object({}))]), /declared twice/)
  })
})
