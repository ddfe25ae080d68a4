import { handle } from '../../../messaging/handler.ts'
import { OrderCancelled } from '../../ordering/messages.ts'
import { devProvider } from '../dev.provider.ts'
import { settlePayment } from '../ledger.ts'
import type { ProviderFor } from '../provider.ts'

/** An order accepted at the edge and then cancelled (oversold, or past its buyer's cap) is refunded in full (or owed it, until its capture arrives). */
export const onOrderCancelled = (providerFor: ProviderFor = devProvider) =>
  handle(OrderCancelled, async (order, ctx) => {
    if (order.refundCents === 0) return // a free order: nothing was taken, nothing is owed
    await settlePayment(ctx, providerFor, order, { type: 'RefundPayment', data: { reason: order.reason, amountDueCents: order.refundCents } })
  })
