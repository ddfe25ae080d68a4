import type { HandlerContext } from '../../messaging/handler.ts'
import { PaymentCaptured, PaymentRefunded } from './messages.ts'
import { decide, type PaymentCommand, type PaymentEvent } from './payment.decider.ts'
import { lockPayment, recordCapture, recordRefund, recordRefundOwed } from './payments.ts'
import type { ProviderFor } from './provider.ts'

type Order = { readonly orderId: string; readonly showtimeId: string }

/**
 * Decides a command on an order's payment against its locked ledger row, then carries out what was decided: the
 * provider asked, the ledger written and the rest of the system told, all in the handler's transaction.
 */
export const settlePayment = async (ctx: HandlerContext, providerFor: ProviderFor, order: Order, command: PaymentCommand): Promise<void> => {
  const events = decide(command, await lockPayment(ctx.tx, order))
  const provider = providerFor(ctx.tx)
  for (const event of events) await carryOut(ctx, provider, order, event)
}

const carryOut = async (ctx: HandlerContext, provider: ReturnType<ProviderFor>, { orderId, showtimeId }: Order, event: PaymentEvent) => {
  const at = ctx.now
  switch (event.type) {
    case 'PaymentCaptured': {
      const { paymentId, amountCents } = event.data
      const { reference } = await provider.capture({ paymentId, orderId, amountCents, at })
      await recordCapture(ctx.tx, orderId, { paymentId, amountCents, reference, at })
      return ctx.publish(PaymentCaptured, { paymentId, orderId, amountCents })
    }
    case 'RefundDeferred':
      // Not lost and not retried blindly: the row says a refund is owed, and the capture that comes pays it back.
      await recordRefundOwed(ctx.tx, orderId, { reason: event.data.reason, at })
      return
    case 'PaymentRefunded': {
      const { paymentId, amountCents, reason } = event.data
      const { reference } = await provider.refund({ paymentId, orderId, amountCents, at })
      await recordRefund(ctx.tx, orderId, { reason, reference, at })
      return ctx.publish(PaymentRefunded, { paymentId, orderId, showtimeId, amountCents, reason })
    }
  }
}
