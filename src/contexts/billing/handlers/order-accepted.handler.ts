import { handleBatch } from '../../../messaging/handler.ts'
import { OrderAccepted } from '../../ordering/messages.ts'
import { devProvider } from '../dev.provider.ts'
import { settlePayments } from '../ledger.ts'
import { paymentIdFor, type ProviderFor } from '../provider.ts'

/**
 * An accepted order is paid for; one accepted at the edge was paid for already, and is not charged again. Orders
 * accepted together are settled together (a writer's batch of decisions arrives as one).
 */
export const onOrderAccepted = (providerFor: ProviderFor = devProvider) =>
  handleBatch(OrderAccepted, (items) => settlePayments(
    items.filter(({ data }) => data.totalCents > 0).map(({ data, context }) => ({
      context,
      data: { order: data, command: { type: 'CapturePayment' as const, data: { paymentId: paymentIdFor(data.orderId), amountCents: data.totalCents } } },
    })),
    providerFor))
