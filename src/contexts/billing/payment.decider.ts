/**
 * One order's payment. Taken once, whichever of the order's acceptances comes first (at the edge, or by the writer),
 * and however often; refunded once, in full, when the order is cancelled. Messages can overtake each other: a
 * cancellation that comes before the capture leaves the refund owed, and the capture, when it comes, pays it back at
 * once. So every cancelled order ends refunded, never twice, and nothing is ever captured after its refund.
 */

export type RefundReason = 'oversold' | 'buyer-limit'

export type PaymentState =
  | { readonly status: 'none' }
  | { readonly status: 'captured'; readonly paymentId: string; readonly amountCents: number }
  /** Cancelled before any capture arrived: the refund waits for it. */
  | { readonly status: 'refund-owed'; readonly reason: RefundReason }
  | { readonly status: 'refunded'; readonly paymentId: string; readonly amountCents: number; readonly reason: RefundReason }

export type PaymentCommand =
  | { readonly type: 'CapturePayment'; readonly data: { readonly paymentId: string; readonly amountCents: number } }
  /** `amountDueCents`: what ordering says the customer paid; a free order is owed nothing. */
  | { readonly type: 'RefundPayment'; readonly data: { readonly reason: RefundReason; readonly amountDueCents: number } }

export type PaymentEvent =
  | { readonly type: 'PaymentCaptured'; readonly data: { readonly paymentId: string; readonly amountCents: number } }
  | { readonly type: 'RefundDeferred'; readonly data: { readonly reason: RefundReason } }
  | { readonly type: 'PaymentRefunded'; readonly data: { readonly paymentId: string; readonly amountCents: number; readonly reason: RefundReason } }

export const initialState = (): PaymentState => ({ status: 'none' })

const capturePayment = (command: Extract<PaymentCommand, { type: 'CapturePayment' }>, state: PaymentState): PaymentEvent[] => {
  const { paymentId, amountCents } = command.data
  if (amountCents <= 0) return []
  switch (state.status) {
    case 'none': return [{ type: 'PaymentCaptured', data: { paymentId, amountCents } }]
    case 'refund-owed': return [
      { type: 'PaymentCaptured', data: { paymentId, amountCents } },
      { type: 'PaymentRefunded', data: { paymentId, amountCents, reason: state.reason } },
    ]
    case 'captured':
    case 'refunded': return [] // one payment per order
    default: return unreachable(state)
  }
}

const refundPayment = (command: Extract<PaymentCommand, { type: 'RefundPayment' }>, state: PaymentState): PaymentEvent[] => {
  const { reason, amountDueCents } = command.data
  switch (state.status) {
    case 'none': return amountDueCents > 0 ? [{ type: 'RefundDeferred', data: { reason } }] : []
    // The full amount captured: that is what the customer paid, whatever the cancellation says.
    case 'captured': return [{ type: 'PaymentRefunded', data: { paymentId: state.paymentId, amountCents: state.amountCents, reason } }]
    case 'refund-owed':
    case 'refunded': return []
    default: return unreachable(state)
  }
}

export const decide = (command: PaymentCommand, state: PaymentState): PaymentEvent[] => {
  switch (command.type) {
    case 'CapturePayment': return capturePayment(command, state)
    case 'RefundPayment': return refundPayment(command, state)
    default: return unreachable(command)
  }
}

export const evolve = (state: PaymentState, event: PaymentEvent): PaymentState => {
  switch (event.type) {
    case 'PaymentCaptured': return { status: 'captured', ...event.data }
    case 'RefundDeferred': return { status: 'refund-owed', reason: event.data.reason }
    case 'PaymentRefunded': return { status: 'refunded', ...event.data }
    default: return unreachable(event)
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`)
}
