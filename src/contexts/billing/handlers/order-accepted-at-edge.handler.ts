import { handle } from '../../../messaging/handler.ts'
import { OrderAcceptedAtEdge } from '../../ordering/messages.ts'
import { devProvider } from '../dev.provider.ts'
import { settlePayment } from '../ledger.ts'
import { paymentIdFor, type ProviderFor } from '../provider.ts'

/** An optimistic showtime's web node told the customer "accepted": the payment is taken now, before the writer decides. */
export const onOrderAcceptedAtEdge = (providerFor: ProviderFor = devProvider) =>
  handle(OrderAcceptedAtEdge, async (order, ctx) => {
    if (order.totalCents === 0) return
    await settlePayment(ctx, providerFor, order, { type: 'CapturePayment', data: { paymentId: paymentIdFor(order.orderId), amountCents: order.totalCents } })
  })
