import { handle, type HandlerContext } from '../../../messaging/handler.ts'
import type { DataOf } from '../../../messaging/message.ts'
import { readSwitch, switches } from '../../../messaging/switches.ts'
import { devProvider } from '../dev.provider.ts'
import { ChargeSubscription, SettleSubscriptionCharge, SubscriptionCharged, SubscriptionChargeFailed } from '../messages.ts'
import { paymentIdFor, type ProviderFor } from '../provider.ts'

/** How long the dev provider takes with a slow test card, when ops has not set a delay of its own. */
export const slowCardMs = 8_000

/**
 * A subscription's first payment. The dev provider answers as the test card asks, or as ops' switches make it (slow,
 * or declining everything). A slow answer is a message due later, so no worker waits for it.
 */
export const onChargeSubscription = (providerFor: ProviderFor = devProvider) => handle(ChargeSubscription, async (charge, ctx) => {
  const [delay, failing] = await Promise.all([readSwitch(ctx.tx, switches.paymentDelayMs, ctx.now.getTime()), readSwitch(ctx.tx, switches.paymentsFailing, ctx.now.getTime())])
  const paid = failing === 0 && (charge.simulate === 'pay' || charge.simulate === 'slow-pay')
  const waitMs = Math.max(delay, charge.simulate.startsWith('slow-') ? slowCardMs : 0)
  const settlement = { subscriptionId: charge.subscriptionId, accountId: charge.accountId, amountCents: charge.amountCents, paid }
  if (waitMs > 0) return ctx.send(SettleSubscriptionCharge, settlement, { deliverAt: new Date(ctx.now.getTime() + waitMs) })
  return settle(providerFor, settlement, ctx)
})

export const onSettleSubscriptionCharge = (providerFor: ProviderFor = devProvider) =>
  handle(SettleSubscriptionCharge, (settlement, ctx) => settle(providerFor, settlement, ctx))

const settle = async (providerFor: ProviderFor, { subscriptionId, accountId, amountCents, paid }: DataOf<typeof SettleSubscriptionCharge>, ctx: HandlerContext) => {
  if (!paid) return ctx.publish(SubscriptionChargeFailed, { subscriptionId, accountId, reason: 'declined' })
  // The subscription's payment id is the provider's idempotency key: a retried handler charges once.
  const paymentId = paymentIdFor(subscriptionId)
  await providerFor(ctx.tx).capture({ paymentId, orderId: subscriptionId, amountCents, at: ctx.now })
  ctx.publish(SubscriptionCharged, { subscriptionId, accountId, paymentId, amountCents })
}
