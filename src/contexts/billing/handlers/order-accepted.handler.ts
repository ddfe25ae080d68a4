import { randomUUID } from 'node:crypto'
import { handle } from '../../../messaging/handler.ts'
import { OrderAccepted } from '../../ordering/messages.ts'
import { devProvider } from '../dev.provider.ts'
import { settlePayment } from '../ledger.ts'
import type { ProviderFor } from '../provider.ts'

/** An accepted order is paid for; one accepted at the edge was paid for already, and is not charged again. */
export const onOrderAccepted = (providerFor: ProviderFor = devProvider) =>
  handle(OrderAccepted, async (order, ctx) => {
    if (order.totalCents === 0) return
    await settlePayment(ctx, providerFor, order, { type: 'CapturePayment', data: { paymentId: randomUUID(), amountCents: order.totalCents } })
  })
