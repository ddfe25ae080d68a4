import { z } from 'zod'
import { defineEvent } from '../../messaging/message.ts'

/**
 * The drawing's public contract. Winners need no event of their own: the drawing sends ordering's ClaimDrawnSeats,
 * and the seats it reserves end, like any order, in OrderAccepted and a tickets e-mail.
 */

/** The window closed and the draw ran: seed revealed, so anyone can re-run it from the published entries. */
export const DrawingHeld = defineEvent('drawing.DrawingHeld', z.object({
  showtimeId: z.string().min(1).max(80),
  seed: z.string().regex(/^[0-9a-f]{64}$/),
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
}))

export const drawingMessages = [DrawingHeld, EntryNotDrawn]
