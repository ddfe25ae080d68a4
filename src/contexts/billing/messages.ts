import { z } from 'zod'
import { defineCommand, defineEvent } from '../../messaging/message.ts'

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

/**
 * How the dev payment provider is to answer this charge, chosen by the test card the person typed (as a real PSP's
 * test cards do): pay, decline, or either after a while. A real provider would be given a card token instead.
 */
export const simulatedOutcomes = ['pay', 'decline', 'slow-pay', 'slow-decline'] as const
export type SimulatedOutcome = (typeof simulatedOutcomes)[number]

/** Take the first payment of a subscription (a VIP membership); the answer is SubscriptionCharged or SubscriptionChargeFailed. */
export const ChargeSubscription = defineCommand('billing.ChargeSubscription', 'billing', z.object({
  subscriptionId: z.uuid(),
  accountId: z.uuid(),
  amountCents: z.number().int().min(1).max(100_000),
  simulate: z.enum(simulatedOutcomes),
}))

/** Billing's own: the provider's late answer to a slow charge (sent to itself, due when the provider answers). */
export const SettleSubscriptionCharge = defineCommand('billing.SettleSubscriptionCharge', 'billing', z.object({
  subscriptionId: z.uuid(),
  accountId: z.uuid(),
  amountCents: z.number().int().min(1).max(100_000),
  paid: z.boolean(),
}))

export const SubscriptionCharged = defineEvent('billing.SubscriptionCharged', z.object({
  subscriptionId: z.uuid(),
  accountId: z.uuid(),
  paymentId: z.uuid(),
  amountCents: z.number().int().min(1),
}))

export const SubscriptionChargeFailed = defineEvent('billing.SubscriptionChargeFailed', z.object({
  subscriptionId: z.uuid(),
  accountId: z.uuid(),
  reason: z.enum(['declined']),
}))

export const billingMessages = [PaymentCaptured, PaymentRefunded, ChargeSubscription, SettleSubscriptionCharge, SubscriptionCharged, SubscriptionChargeFailed]
