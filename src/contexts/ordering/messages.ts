import { z } from 'zod'
import { defineCommand, defineEvent, defineReply } from '../../messaging/message.ts'

/** Ordering's public contract: what the web sends it, and what it tells the rest of the system. */

export const maxTicketsPerOrder = 10

/**
 * Every write to a showtime's seats goes through one of ordering's partition queues, chosen by showtime id: one
 * active consumer per partition across all worker processes decides that showtime's orders one at a time.
 */
export const seatWriters = { count: 8, key: (data: { showtimeId: string }) => data.showtimeId }

const orderId = z.uuid()
const showtimeId = z.string().min(1).max(80)

export const SubmitOrder = defineCommand('ordering.SubmitOrder', 'ordering', z.object({
  orderId,
  showtimeId,
  tickets: z.number().int().min(1).max(maxTicketsPerOrder),
  email: z.email().max(200),
  /**
   * An optimistic showtime's web node told the customer "accepted" already, on its own estimate of seats left.
   * The writer then either confirms the seats or, when it finds them gone, cancels and compensates.
   */
  acceptedAtEdge: z.boolean().optional(),
}), { partitions: seatWriters })

/** Sent by the drawing for each winning entry: the writer turns the entry into seats (never past capacity). */
export const ClaimDrawnSeats = defineCommand('ordering.ClaimDrawnSeats', 'ordering', z.object({
  orderId,
  showtimeId,
  tickets: z.number().int().min(1).max(maxTicketsPerOrder),
}), { partitions: seatWriters })

/** Why an order told "accepted" at the edge was cancelled: the seats were gone, or its buyer was past the showing's cap. */
export const cancellationReasons = ['oversold', 'buyer-limit'] as const

/** Another showing of the same movie offered to a customer whose order had to be cancelled. */
export const alternativeShowing = z.object({
  showtimeId,
  movieTitle: z.string(),
  theaterName: z.string(),
  startsAt: z.iso.datetime(),
  seatsLeft: z.number().int(),
})

/** The answer pushed to the browser that asked (and kept: /orders/:id shows it too). */
export const OrderOutcome = defineReply('ordering.OrderOutcome', z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('accepted'), orderId, showtimeId, tickets: z.number().int(), totalCents: z.number().int() }),
  z.object({ outcome: z.literal('sold-out'), orderId, showtimeId, seatsLeft: z.number().int() }),
  z.object({ outcome: z.literal('entered-drawing'), orderId, showtimeId, tickets: z.number().int(), drawingAt: z.iso.datetime() }),
  /** Accepted at the edge of an optimistic showtime, then found oversold: cancelled, refunded, apologised for. */
  z.object({
    outcome: z.literal('cancelled'), orderId, showtimeId, reason: z.enum(cancellationReasons), refundCents: z.number().int(), alternative: alternativeShowing.nullable(),
    /** Past the cap: what the buyer held already, and the cap. */
    held: z.number().int().optional(), limit: z.number().int().optional(),
  }),
  /** Refused: the order would take its buyer (by e-mail address or browser session) past the showing's cap. */
  z.object({ outcome: z.literal('limit-reached'), orderId, showtimeId, held: z.number().int(), limit: z.number().int() }),
  /** Not drawn; or a second entry of the same person (already entered: the first stands); or one after the draw. Older outcomes carry no reason. */
  z.object({ outcome: z.literal('not-drawn'), orderId, showtimeId, reason: z.enum(['not-drawn', 'after-the-draw', 'already-entered']).optional() }),
]))

export const OrderAccepted = defineEvent('ordering.OrderAccepted', z.object({
  orderId,
  showtimeId,
  tickets: z.number().int().min(1),
  totalCents: z.number().int().min(0),
  email: z.email(),
  movieTitle: z.string(),
  theaterName: z.string(),
  /** The screen, for the door (orders of showtimes opened before it was carried have none). */
  screen: z.string().max(80).optional(),
  startsAt: z.iso.datetime(),
  /** The seats were won in the showtime's drawing, not bought. */
  wonInDrawing: z.boolean().optional(),
}))

export const OrderRejected = defineEvent('ordering.OrderRejected', z.object({ orderId, showtimeId, reason: z.enum(['sold-out', 'buyer-limit']) }))

export const DrawingEntered = defineEvent('ordering.DrawingEntered', z.object({
  orderId, showtimeId, tickets: z.number().int().min(1), email: z.email(), drawingAt: z.iso.datetime(),
  /** Which showing, for the person's e-mail (entries announced before these were carried have none). */
  movieTitle: z.string().max(200).optional(), theaterName: z.string().max(200).optional(), startsAt: z.iso.datetime().optional(),
}))

/**
 * Published in the web node's transaction when an optimistic showtime accepts an order at the edge: billing takes
 * the payment now, before the writer has confirmed the seats.
 */
export const OrderAcceptedAtEdge = defineEvent('ordering.OrderAcceptedAtEdge', z.object({
  orderId, showtimeId, tickets: z.number().int().min(1), totalCents: z.number().int().min(0), email: z.email(),
}))

/** An order accepted at the edge that the writer could not seat: billing refunds, notifications apologise. */
export const OrderCancelled = defineEvent('ordering.OrderCancelled', z.object({
  orderId,
  showtimeId,
  reason: z.enum(cancellationReasons),
  /** For `buyer-limit`: what the buyer held already, and the showing's cap. */
  held: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
  tickets: z.number().int().min(1),
  refundCents: z.number().int().min(0),
  email: z.email(),
  movieTitle: z.string(),
  theaterName: z.string(),
  startsAt: z.iso.datetime(),
  alternative: alternativeShowing.nullable(),
}))

export const orderingMessages = [
  SubmitOrder, ClaimDrawnSeats, OrderOutcome, OrderAccepted, OrderRejected, DrawingEntered, OrderAcceptedAtEdge, OrderCancelled,
]
