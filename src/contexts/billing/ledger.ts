import type { BatchItem, HandlerContext } from '../../messaging/handler.ts'
import { PaymentCaptured, PaymentRefunded } from './messages.ts'
import { decide, type PaymentCommand, type PaymentEvent } from './payment.decider.ts'
import { lockPayments, recordCaptures, recordRefund, recordRefundOwed } from './payments.ts'
import type { ProviderFor } from './provider.ts'

type Order = { readonly orderId: string; readonly showtimeId: string }

/**
 * Decides a command on an order's payment against its locked ledger row, then carries out what was decided: the
 * provider asked, the ledger written and the rest of the system told, all in the handler's transaction.
 */
export const settlePayment = async (ctx: HandlerContext, providerFor: ProviderFor, order: Order, command: PaymentCommand): Promise<void> => {
  const events = decide(command, (await lockPayments(ctx.tx, [order])).get(order.orderId)!)
  const provider = providerFor(ctx.tx)
  for (const event of events) await carryOut(ctx, provider, order, event)
}

/**
 * A batch of commands, one per order, as `settlePayment` settles each: the ledger rows locked in one statement and the
 * captures written in one, the provider asked for each as before. Anything but a plain capture (a refund owed, say)
 * is carried out as `settlePayment` does. An order twice in the batch: each settled in turn, on its own.
 */
export const settlePayments = async (items: readonly BatchItem<{ order: Order; command: PaymentCommand }>[], providerFor: ProviderFor): Promise<void> => {
  if (items.length === 0) return
  if (new Set(items.map((i) => i.data.order.orderId)).size < items.length) {
    for (const { data, context } of items) await settlePayment(context, providerFor, data.order, data.command)
    return
  }
  const { tx } = items[0]!.context
  const states = await lockPayments(tx, items.map((i) => i.data.order))
  const provider = providerFor(tx)
  const captures: { orderId: string; paymentId: string; amountCents: number; at: Date; context: HandlerContext }[] = []
  for (const { data: { order, command }, context } of items) {
    const events = decide(command, states.get(order.orderId)!)
    const [only] = events
    if (events.length !== 1 || only?.type !== 'PaymentCaptured') {
      for (const event of events) await carryOut(context, provider, order, event)
      continue
    }
    captures.push({ orderId: order.orderId, ...only.data, at: context.now, context })
  }
  const references = await provider.captureAll(captures.map(({ paymentId, orderId, amountCents, at }) => ({ paymentId, orderId, amountCents, at })))
  await recordCaptures(tx, captures.map(({ context: _, ...capture }, i) => ({ ...capture, reference: references[i]!.reference })))
  for (const { paymentId, orderId, amountCents, context } of captures) context.publish(PaymentCaptured, { paymentId, orderId, amountCents })
}

const carryOut = async (ctx: HandlerContext, provider: ReturnType<ProviderFor>, { orderId, showtimeId }: Order, event: PaymentEvent) => {
  const at = ctx.now
  switch (event.type) {
    case 'PaymentCaptured': {
      const { paymentId, amountCents } = event.data
      const { reference } = await provider.capture({ paymentId, orderId, amountCents, at })
      await recordCaptures(ctx.tx, [{ orderId, paymentId, amountCents, reference, at }])
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
