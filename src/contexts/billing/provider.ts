import { v5 as uuidv5 } from 'uuid'
import type { Sql } from '../../messaging/sql.ts'

/**
 * The port to whatever moves the money (a payment service provider). It works inside the handler's transaction, as
 * notifications' e-mail sender does: the dev adapter records there. A real adapter would call its PSP with the payment
 * id as the idempotency key (see paymentIdFor), so that a handler retried after a failure never charges or refunds twice.
 */
export interface PaymentProvider {
  capture(request: { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }): Promise<{ readonly reference: string }>
  refund(request: { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }): Promise<{ readonly reference: string }>
  /** Many captures at once, as `capture` takes each (a PSP adapter would ask for them side by side): the references in order. */
  captureAll(requests: readonly { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }[]): Promise<readonly { readonly reference: string }[]>
}

export type ProviderFor = (tx: Sql) => PaymentProvider

// The namespace of payment ids (a UUID chosen once; changing it would give every order a new payment id).
const paymentIds = '580e2d29-050c-4d20-8db7-0a6f0b875972'

/**
 * An order's payment id: the same on every attempt (UUID v5 of the order id), so the provider, which takes it as the
 * idempotency key, charges a retried handler's capture once. A fresh random id per attempt would charge again.
 */
export const paymentIdFor = (orderId: string) => uuidv5(orderId, paymentIds)
