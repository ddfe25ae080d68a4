import { handle } from '../../../messaging/handler.ts'
import { DrawingEntered } from '../../ordering/messages.ts'
import { drawingForEntry, hasEntry, recordEntry } from '../drawings.ts'
import { entryIdOf } from '../entry-id.ts'
import { EntryNotDrawn } from '../messages.ts'

/**
 * An entry ordering accepted goes into its drawing: once per order, once per person (the e-mail address in any
 * case). A second entry from the same person, or one that arrives after the draw, is answered with EntryNotDrawn.
 */
export const onDrawingEntered = handle(DrawingEntered, async (entry, ctx) => {
  const drawing = await drawingForEntry(ctx.tx, entry.showtimeId)
  // Ordering accepts entries only for a scheduled drawing, so this one's ShowtimeScheduled is on its way: retry.
  if (!drawing) throw new Error(`an entry for ${entry.showtimeId}, whose drawing has not opened here yet`)
  if (await hasEntry(ctx.tx, entry.orderId)) return

  const notDrawn = (reason: 'after-the-draw' | 'already-entered') => ctx.publish(EntryNotDrawn, {
    orderId: entry.orderId, showtimeId: entry.showtimeId, email: entry.email, reason,
    movieTitle: drawing.movieTitle, theaterName: drawing.theaterName, startsAt: drawing.startsAt.toISOString(),
  })
  if (drawing.status === 'drawn') return notDrawn('after-the-draw')
  const recorded = await recordEntry(ctx.tx, {
    orderId: entry.orderId, showtimeId: entry.showtimeId, entryId: entryIdOf(entry.orderId), email: entry.email, tickets: entry.tickets,
    // When ordering decided it: the moment the entry was accepted, whenever it reaches the drawing.
    enteredAt: ctx.headers.sentAt, recordedAt: ctx.now,
  })
  if (recorded === 'same-person') notDrawn('already-entered')
})
