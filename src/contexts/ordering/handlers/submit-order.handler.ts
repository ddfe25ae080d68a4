import type { HandlerContext } from '../../../messaging/handler.ts'
import { handle } from '../../../messaging/handler.ts'
import type { DataOf } from '../../../messaging/message.ts'
import { DrawingEntered, OrderAccepted, OrderOutcome, OrderRejected, SubmitOrder } from '../messages.ts'
import { orderById, receiveOrder, recordOutcome, saveShowtimeView, type OrderStatus } from '../orders.ts'
import { appendToShowtime, loadShowtime } from '../seat-stream.ts'
import { decide, type SeatEvent, type ShowtimeInfo } from '../showtime.decider.ts'

type Outcome = DataOf<typeof OrderOutcome>

const outcomeOf = (event: SeatEvent, showtimeId: string): { status: OrderStatus; outcome: Outcome } => {
  switch (event.type) {
    case 'SeatsReserved':
      return { status: 'accepted', outcome: { outcome: 'accepted', orderId: event.data.orderId, showtimeId, tickets: event.data.seats, totalCents: event.data.totalCents } }
    case 'ReservationRefused':
      return { status: 'sold-out', outcome: { outcome: 'sold-out', orderId: event.data.orderId, showtimeId, seatsLeft: event.data.seatsLeft } }
    case 'DrawingEntryAccepted':
      return { status: 'entered-drawing', outcome: { outcome: 'entered-drawing', orderId: event.data.orderId, showtimeId, tickets: event.data.seats, drawingAt: event.data.drawingAt } }
    default:
      throw new Error(`an order cannot end in ${event.type}`)
  }
}

const announce = (ctx: HandlerContext, event: SeatEvent, showtime: ShowtimeInfo, email: string) => {
  switch (event.type) {
    case 'SeatsReserved':
      return ctx.publish(OrderAccepted, {
        orderId: event.data.orderId, showtimeId: showtime.showtimeId, tickets: event.data.seats, totalCents: event.data.totalCents,
        email, movieTitle: showtime.movieTitle, theaterName: showtime.theaterName, startsAt: new Date(showtime.startsAt).toISOString(),
      })
    case 'ReservationRefused':
      return ctx.publish(OrderRejected, { orderId: event.data.orderId, showtimeId: showtime.showtimeId, reason: 'sold-out' })
    case 'DrawingEntryAccepted':
      return ctx.publish(DrawingEntered, { orderId: event.data.orderId, showtimeId: showtime.showtimeId, tickets: event.data.seats, email, drawingAt: event.data.drawingAt })
  }
}

/**
 * Decides one order against its showtime's seats. Runs on the showtime's single writer; the stream's expected
 * version catches the impossible second writer. An order decided before (sent twice) is answered as it was.
 */
export const submitOrder = handle(SubmitOrder, async (order, ctx) => {
  const known = await orderById(ctx.tx, order.orderId)
  if (known?.outcome) {
    if (ctx.headers.replyTo) ctx.reply(OrderOutcome, known.outcome as Outcome)
    return
  }
  if (!known) await receiveOrder(ctx.tx, { ...order, clientSession: ctx.headers.originClient ?? null })

  const loaded = await loadShowtime(ctx.tx, order.showtimeId)
  const events = decide({ type: 'ReserveSeats', data: { orderId: order.orderId, seats: order.tickets } }, loaded.state)
  const next = await appendToShowtime(ctx.tx, order.showtimeId, loaded, events, { recordedAt: ctx.now, causedBy: ctx.headers.messageId })
  const decision = events[0]!
  const { status, outcome } = outcomeOf(decision, order.showtimeId)
  await recordOutcome(ctx.tx, order.orderId, status, outcome, ctx.now)
  if (decision.type === 'SeatsReserved') await saveShowtimeView(ctx.tx, next)

  if (ctx.headers.replyTo) ctx.reply(OrderOutcome, outcome)
  if (next.state.status === 'open') announce(ctx, decision, next.state.showtime, order.email)
})
