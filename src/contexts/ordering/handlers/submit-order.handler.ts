import { handle } from '../../../messaging/handler.ts'
import { OrderOutcome, SubmitOrder } from '../messages.ts'
import { orderById, receiveOrder } from '../orders.ts'
import { appendToShowtime, loadShowtime } from '../seat-stream.ts'
import { decide } from '../showtime.decider.ts'
import { settle, type Outcome } from './decisions.ts'

/**
 * Decides one order against its showtime's seats. Runs on the showtime's single writer; the stream's expected
 * version catches the impossible second writer. An order decided before (sent twice) is answered as it was; an order
 * an optimistic web node accepted at the edge is decided like any other, and cancelled with compensation if oversold.
 */
export const submitOrder = handle(SubmitOrder, async (order, ctx) => {
  const known = await orderById(ctx.tx, order.orderId)
  if (known?.decidedAt) {
    if (ctx.headers.replyTo && known.outcome) ctx.reply(OrderOutcome, known.outcome as Outcome)
    return
  }
  if (!known) await receiveOrder(ctx.tx, { ...order, clientSession: ctx.headers.originClient ?? null })

  const loaded = await loadShowtime(ctx.tx, order.showtimeId)
  const events = decide({
    type: 'ReserveSeats',
    data: { orderId: order.orderId, seats: order.tickets, at: ctx.now.toISOString(), ...(order.acceptedAtEdge && { acceptedAtEdge: true }) },
  }, loaded.state)
  const next = await appendToShowtime(ctx.tx, order.showtimeId, loaded, events, { recordedAt: ctx.now, causedBy: ctx.headers.messageId })
  await settle(ctx, { next, decision: events[0]!, email: order.email })
})
