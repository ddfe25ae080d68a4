import type { HandlerContext } from '../../../messaging/handler.ts'
import type { DataOf } from '../../../messaging/message.ts'
import type { Sql } from '../../../messaging/sql.ts'
import { DrawingEntered, OrderAccepted, OrderCancelled, OrderOutcome, OrderRejected } from '../messages.ts'
import { alternativeTo, recordOutcome, saveShowtimeView, type OrderStatus } from '../orders.ts'
import type { LoadedShowtime } from '../seat-stream.ts'
import type { SeatEvent, ShowtimeInfo } from '../showtime.decider.ts'

export type Outcome = DataOf<typeof OrderOutcome>
type Alternative = Extract<Outcome, { outcome: 'cancelled' }>['alternative']

const iso = (at: string | Date) => new Date(at).toISOString()

export const offerFor = async (sql: Sql, showtime: ShowtimeInfo, tickets: number, now: Date): Promise<Alternative> => {
  const found = await alternativeTo(sql, showtime, tickets, now)
  return found ? { ...found, startsAt: iso(found.startsAt) } : null
}

/** What a decision means for its order; an oversold one is offered another showing (`offer`, read once per batch). */
export const outcomeOf = async (
  event: SeatEvent,
  showtime: ShowtimeInfo,
  offer: (tickets: number) => Promise<Alternative>,
): Promise<{ status: OrderStatus; outcome: Outcome }> => {
  const { showtimeId } = showtime
  switch (event.type) {
    case 'SeatsReserved':
      return { status: 'accepted', outcome: { outcome: 'accepted', orderId: event.data.orderId, showtimeId, tickets: event.data.seats, totalCents: event.data.totalCents } }
    case 'ReservationRefused':
      return { status: 'sold-out', outcome: { outcome: 'sold-out', orderId: event.data.orderId, showtimeId, seatsLeft: event.data.seatsLeft } }
    case 'DrawingEntryAccepted':
      return { status: 'entered-drawing', outcome: { outcome: 'entered-drawing', orderId: event.data.orderId, showtimeId, tickets: event.data.seats, drawingAt: event.data.drawingAt } }
    case 'DrawingEntryRefused':
      return { status: 'not-drawn', outcome: { outcome: 'not-drawn', orderId: event.data.orderId, showtimeId } }
    case 'OversoldOrderCancelled': {
      const alternative = await offer(event.data.seats)
      return { status: 'cancelled', outcome: { outcome: 'cancelled', orderId: event.data.orderId, showtimeId, reason: 'oversold', refundCents: event.data.refundCents, alternative } }
    }
    case 'BuyerLimitReached': {
      const { orderId, held, limit } = event.data
      return { status: 'limit-reached', outcome: { outcome: 'limit-reached', orderId, showtimeId, held, limit } }
    }
    case 'OverLimitOrderCancelled': {
      // Another showing is no answer to a cap: the buyer holds tickets for this one already.
      const { orderId, refundCents, held, limit } = event.data
      return { status: 'cancelled', outcome: { outcome: 'cancelled', orderId, showtimeId, reason: 'buyer-limit', refundCents, alternative: null, held, limit } }
    }
    default:
      throw new Error(`an order cannot end in ${event.type}`)
  }
}

export const announce = (ctx: HandlerContext, event: SeatEvent, outcome: Outcome, showtime: ShowtimeInfo, email: string) => {
  const where = { movieTitle: showtime.movieTitle, theaterName: showtime.theaterName, startsAt: iso(showtime.startsAt), ...(showtime.screen && { screen: showtime.screen }) }
  switch (event.type) {
    case 'SeatsReserved':
      return ctx.publish(OrderAccepted, {
        orderId: event.data.orderId, showtimeId: showtime.showtimeId, tickets: event.data.seats, totalCents: event.data.totalCents, email, ...where,
        // A drawing showtime's seats are only ever reserved by a drawn entry's claim.
        ...(showtime.ticketType === 'drawing' && { wonInDrawing: true }),
      })
    case 'ReservationRefused':
      return ctx.publish(OrderRejected, { orderId: event.data.orderId, showtimeId: showtime.showtimeId, reason: 'sold-out' })
    case 'BuyerLimitReached':
      return ctx.publish(OrderRejected, { orderId: event.data.orderId, showtimeId: showtime.showtimeId, reason: 'buyer-limit' })
    case 'DrawingEntryAccepted':
      return ctx.publish(DrawingEntered, { orderId: event.data.orderId, showtimeId: showtime.showtimeId, tickets: event.data.seats, email, drawingAt: event.data.drawingAt, ...where })
    case 'OversoldOrderCancelled':
    case 'OverLimitOrderCancelled':
      if (outcome.outcome !== 'cancelled') return
      return ctx.publish(OrderCancelled, {
        orderId: event.data.orderId, showtimeId: showtime.showtimeId, reason: outcome.reason, tickets: event.data.seats,
        refundCents: event.data.refundCents, email, ...where, alternative: outcome.alternative,
        ...(event.type === 'OverLimitOrderCancelled' && { held: event.data.held, limit: event.data.limit }),
      })
    case 'DrawingEntryRefused':
      return // told on screen at once; nothing was taken or promised
  }
}

/**
 * What every decision on an order does after the seats were appended: the order's outcome stored, the web's view of
 * the showtime kept, the asker answered (when someone waits) and the rest of the system told.
 */
export const settle = async (
  ctx: HandlerContext,
  decided: { readonly next: LoadedShowtime; readonly decision: SeatEvent; readonly email: string },
): Promise<Outcome | undefined> => {
  const { next, decision, email } = decided
  if (next.state.status !== 'open') return undefined
  const { showtime } = next.state
  const { status, outcome } = await outcomeOf(decision, showtime, (tickets) => offerFor(ctx.tx, showtime, tickets, ctx.now))
  await recordOutcome(ctx.tx, outcome.orderId, status, outcome, ctx.now)
  if (decision.type === 'SeatsReserved') await saveShowtimeView(ctx.tx, next)
  if (ctx.headers.replyTo) ctx.reply(OrderOutcome, outcome)
  announce(ctx, decision, outcome, next.state.showtime, email)
  return outcome
}
