import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decide, evolve, initialState, type PaymentCommand, type PaymentEvent } from './payment.decider.ts'

/** given(events).when(command).then(events) */
const given = (events: PaymentEvent[]) => ({
  when: (command: PaymentCommand) => ({
    then: (expected: PaymentEvent[]) => assert.deepEqual(decide(command, events.reduce(evolve, initialState())), expected),
  }),
})

const capture = (paymentId: string, amountCents: number): PaymentCommand => ({ type: 'CapturePayment', data: { paymentId, amountCents } })
const refund = (amountDueCents: number): PaymentCommand => ({ type: 'RefundPayment', data: { reason: 'oversold', amountDueCents } })
const captured = (paymentId: string, amountCents: number): PaymentEvent => ({ type: 'PaymentCaptured', data: { paymentId, amountCents } })
const refunded = (paymentId: string, amountCents: number): PaymentEvent => ({ type: 'PaymentRefunded', data: { paymentId, amountCents, reason: 'oversold' } })
const deferred: PaymentEvent = { type: 'RefundDeferred', data: { reason: 'oversold' } }

describe('an order\'s payment', () => {
  test('is captured when the order is first accepted', () =>
    given([]).when(capture('p1', 2900)).then([captured('p1', 2900)]))

  test('is captured once, whichever acceptance comes second', () =>
    given([captured('p1', 2900)]).when(capture('p2', 2900)).then([]))

  test('a free order takes no payment', () =>
    given([]).when(capture('p1', 0)).then([]))

  test('a cancelled order is refunded the full amount captured', () =>
    given([captured('p1', 2900)]).when(refund(2900)).then([refunded('p1', 2900)]))

  test('is refunded once, however often the cancellation comes', () =>
    given([captured('p1', 2900), refunded('p1', 2900)]).when(refund(2900)).then([]))

  test('a cancellation that overtakes the capture leaves the refund owed', () =>
    given([]).when(refund(2900)).then([deferred]))

  test('the capture that comes after it pays the owed refund back at once', () =>
    given([deferred]).when(capture('p1', 2900)).then([captured('p1', 2900), refunded('p1', 2900)]))

  test('nothing is captured after the refund', () =>
    given([deferred, captured('p1', 2900), refunded('p1', 2900)]).when(capture('p2', 2900)).then([]))

  test('a cancelled free order is owed nothing', () =>
    given([]).when(refund(0)).then([]))
})
