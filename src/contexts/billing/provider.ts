import type { Sql } from '../../messaging/sql.ts'

/**
 * The port to whatever moves the money (a payment service provider). It works inside the handler's transaction, as
 * notifications' e-mail sender does: the dev adapter records there. A real adapter would call its PSP with the payment
 * id as the idempotency key, so that a handler retried after a failure never charges or refunds twice.
 */
export interface PaymentProvider {
  capture(request: { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }): Promise<{ readonly reference: string }>
  refund(request: { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }): Promise<{ readonly reference: string }>
  /** Many captures at once, as `capture` takes each (a PSP adapter would ask for them side by side): the references in order. */
  captureAll(requests: readonly { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }[]): Promise<readonly { readonly reference: string }[]>
}

export type ProviderFor = (tx: Sql) => PaymentProvider
