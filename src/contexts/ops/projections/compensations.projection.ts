import { handle } from '../../../messaging/handler.ts'
import { PaymentRefunded } from '../../billing/messages.ts'
import { EmailSent } from '../../notifications/messages.ts'
import { OrderCancelled } from '../../ordering/messages.ts'

/**
 * How many orders were cancelled (oversold, or past the per-buyer cap) and what making them whole cost, from three contexts' events. They arrive in any
 * order, so each writes only its own columns of the order's row; each write is an upsert, so a redelivery is harmless.
 */
export const compensationsProjection = [
  handle(OrderCancelled, (order, ctx) => ctx.tx.query(
    `insert into ops.compensations (order_id, showtime_id, movie_title, theater_name, starts_at, tickets, refund_due_cents, cancelled_at, reason)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (order_id) do update set showtime_id = excluded.showtime_id, movie_title = excluded.movie_title, reason = excluded.reason,
       theater_name = excluded.theater_name, starts_at = excluded.starts_at, tickets = excluded.tickets,
       refund_due_cents = excluded.refund_due_cents, cancelled_at = coalesce(ops.compensations.cancelled_at, excluded.cancelled_at)`,
    [order.orderId, order.showtimeId, order.movieTitle, order.theaterName, order.startsAt, order.tickets, order.refundCents, ctx.headers.sentAt, order.reason])),

  handle(PaymentRefunded, (refund, ctx) => ctx.tx.query(
    `insert into ops.compensations (order_id, showtime_id, refunded_cents, refunded_at) values ($1, $2, $3, $4)
     on conflict (order_id) do update set refunded_cents = excluded.refunded_cents,
       refunded_at = coalesce(ops.compensations.refunded_at, excluded.refunded_at)`,
    [refund.orderId, refund.showtimeId, refund.amountCents, ctx.headers.sentAt])),

  handle(EmailSent, async (email, ctx) => {
    if (email.kind !== 'apology' || !email.orderId) return
    await ctx.tx.query(
      `insert into ops.compensations (order_id, apologized_at) values ($1, $2)
       on conflict (order_id) do update set apologized_at = coalesce(ops.compensations.apologized_at, excluded.apologized_at)`,
      [email.orderId, ctx.headers.sentAt])
  }),
]
