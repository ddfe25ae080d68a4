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
}), { partitions: seatWriters })

/** The answer pushed to the browser that asked (and kept: /orders/:id shows it too). */
export const OrderOutcome = defineReply('ordering.OrderOutcome', z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('accepted'), orderId, showtimeId, tickets: z.number().int(), totalCents: z.number().int() }),
  z.object({ outcome: z.literal('sold-out'), orderId, showtimeId, seatsLeft: z.number().int() }),
  z.object({ outcome: z.literal('entered-drawing'), orderId, showtimeId, tickets: z.number().int(), drawingAt: z.iso.datetime() }),
]))

export const OrderAccepted = defineEvent('ordering.OrderAccepted', z.object({
  orderId,
  showtimeId,
  tickets: z.number().int().min(1),
  totalCents: z.number().int().min(0),
  email: z.email(),
  movieTitle: z.string(),
  theaterName: z.string(),
  startsAt: z.iso.datetime(),
}))

export const OrderRejected = defineEvent('ordering.OrderRejected', z.object({ orderId, showtimeId, reason: z.enum(['sold-out']) }))

export const DrawingEntered = defineEvent('ordering.DrawingEntered', z.object({
  orderId, showtimeId, tickets: z.number().int().min(1), email: z.email(), drawingAt: z.iso.datetime(),
}))

export const orderingMessages = [SubmitOrder, OrderOutcome, OrderAccepted, OrderRejected, DrawingEntered]
