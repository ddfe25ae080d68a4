import { z } from 'zod'
import { defineEvent } from '../../messaging/message.ts'

/** Billing's public contract: what happened to a customer's money. */

export const PaymentCaptured = defineEvent('billing.PaymentCaptured', z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  amountCents: z.number().int().min(1),
}))

export const PaymentRefunded = defineEvent('billing.PaymentRefunded', z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  showtimeId: z.string().min(1).max(80),
  amountCents: z.number().int().min(1),
  reason: z.enum(['oversold', 'buyer-limit']),
}))

export const billingMessages = [PaymentCaptured, PaymentRefunded]
