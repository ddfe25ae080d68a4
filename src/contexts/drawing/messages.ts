import { z } from 'zod'
import { defineEvent } from '../../messaging/message.ts'

/**
 * The drawing's public contract. Winners need no event of their own: the drawing sends ordering's ClaimDrawnSeats,
 * and the seats it reserves end, like any order, in OrderAccepted and a tickets e-mail.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)

/** A drawing showtime's drawing opened: only the seed's commitment is public until the draw reveals the seed. */
export const DrawingOpened = defineEvent('drawing.DrawingOpened', z.object({
  showtimeId: z.string().min(1).max(80),
  commitment: hex64,
  algorithm: z.string().min(1).max(40),
  capacity: z.number().int().min(1),
  /** Entries close (ordering refuses them from then on). */
  drawingAt: z.iso.datetime(),
  /** The draw: a grace period after drawingAt, for entries accepted just before it that are still on their way. */
  drawAt: z.iso.datetime(),
}))

/** The window closed and the draw ran: seed revealed, so anyone can re-run it from the published entries. */
export const DrawingHeld = defineEvent('drawing.DrawingHeld', z.object({
  showtimeId: z.string().min(1).max(80),
  seed: hex64,
  entries: z.number().int().min(0),
  winners: z.number().int().min(0),
  seatsAwarded: z.number().int().min(0),
  heldAt: z.iso.datetime(),
}))

/** An entry that was not drawn (or came after the window closed): the person gets a kind "not this time". */
export const EntryNotDrawn = defineEvent('drawing.EntryNotDrawn', z.object({
  orderId: z.uuid(),
  showtimeId: z.string().min(1).max(80),
  email: z.email(),
  movieTitle: z.string(),
  theaterName: z.string(),
  startsAt: z.iso.datetime(),
  reason: z.enum(['not-drawn', 'after-the-draw', 'already-entered']),
  /** The entry's public id in the drawing's published entries: only an entry that was in the draw has one. */
  entryId: hex64.optional(),
}))

export const drawingMessages = [DrawingOpened, DrawingHeld, EntryNotDrawn]
