import type { SagaContext } from '../../../messaging/saga.ts'
import { ClaimDrawnSeats } from '../../ordering/messages.ts'
import { draw } from '../draw.ts'
import { drawingToHold, entriesOf, storeResult } from '../drawings.ts'
import { DrawingHeld, EntryNotDrawn } from '../messages.ts'
import type { DrawingState } from './drawing.state.ts'

/**
 * Step 2: the drawing date (plus grace) has come. In one transaction: the window is closed (the drawing row locked,
 * so entries in flight commit first and later ones see it drawn), the draw runs over every recorded entry, each
 * winner's seats are claimed from ordering, everyone else is told "not drawn", the seed is revealed and the result
 * stored. Nothing is sent unless all of it commits.
 */
export const holdDrawing = async (state: DrawingState, ctx: SagaContext): Promise<DrawingState> => {
  ctx.markAsComplete()
  const drawing = await drawingToHold(ctx.tx, state.showtimeId)
  if (!drawing) return state
  const entries = await entriesOf(ctx.tx, state.showtimeId)
  const result = draw({ seed: state.seed, entries: entries.map((e) => ({ id: e.entryId, tickets: e.tickets })), capacity: drawing.capacity })

  const byEntryId = new Map(entries.map((e) => [e.entryId, e]))
  const winners = result.winners.map((w) => byEntryId.get(w.id)!)
  await storeResult(ctx.tx, state.showtimeId, { seed: state.seed, heldAt: ctx.now, winnerOrderIds: winners.map((w) => w.orderId), seatsAwarded: result.seatsAwarded })

  for (const winner of winners) ctx.send(ClaimDrawnSeats, { orderId: winner.orderId, showtimeId: state.showtimeId, tickets: winner.tickets })
  const won = new Set(winners)
  const where = { showtimeId: state.showtimeId, movieTitle: drawing.movieTitle, theaterName: drawing.theaterName, startsAt: drawing.startsAt.toISOString() }
  for (const entry of entries) {
    if (!won.has(entry)) ctx.publish(EntryNotDrawn, { orderId: entry.orderId, email: entry.email, ...where, reason: 'not-drawn', entryId: entry.entryId })
  }
  ctx.publish(DrawingHeld, {
    showtimeId: state.showtimeId, seed: state.seed, entries: entries.length, winners: winners.length,
    seatsAwarded: result.seatsAwarded, heldAt: ctx.now.toISOString(),
  })
  return state
}
