import { handleBatch, type BatchItem } from '../../../messaging/handler.ts'
import type { DataOf } from '../../../messaging/message.ts'
import { DrawingEntered } from '../../ordering/messages.ts'
import { drawingsForEntries, ordersEntered, recordEntries, type NewEntry } from '../drawings.ts'
import { entryIdOf } from '../entry-id.ts'
import { EntryNotDrawn } from '../messages.ts'

type Entry = DataOf<typeof DrawingEntered>

/**
 * Entries ordering accepted go into their drawings: once per order, once per person (the e-mail address in any
 * case). A second entry from the same person, or one that arrives after the draw, is answered with EntryNotDrawn.
 * A batch of entries is read and written in a few statements, whatever its size: a flash sale's drawing takes
 * thousands of entries in its first seconds.
 */
export const onDrawingEntered = handleBatch(DrawingEntered, async (items: readonly BatchItem<Entry>[]) => {
  const { tx } = items[0]!.context
  const drawings = await drawingsForEntries(tx, [...new Set(items.map(({ data }) => data.showtimeId))])
  // Ordering accepts entries only for a scheduled drawing, so this one's ShowtimeScheduled is on its way: retry.
  const unopened = items.find(({ data }) => !drawings.has(data.showtimeId))
  if (unopened) throw new Error(`an entry for ${unopened.data.showtimeId}, whose drawing has not opened here yet`)
  const entered = await ordersEntered(tx, items.map(({ data }) => data.orderId))

  const notDrawn = ({ data: entry, context }: BatchItem<Entry>, reason: 'after-the-draw' | 'already-entered') => {
    const drawing = drawings.get(entry.showtimeId)!
    context.publish(EntryNotDrawn, {
      orderId: entry.orderId, showtimeId: entry.showtimeId, email: entry.email, reason,
      movieTitle: drawing.movieTitle, theaterName: drawing.theaterName, startsAt: drawing.startsAt.toISOString(),
    })
  }
  const fresh: BatchItem<Entry>[] = []
  for (const item of items) {
    if (entered.has(item.data.orderId.toLowerCase())) continue
    if (drawings.get(item.data.showtimeId)!.status === 'drawn') notDrawn(item, 'after-the-draw')
    else fresh.push(item)
  }
  if (!fresh.length) return
  const recorded = await recordEntries(tx, fresh.map(({ data: entry, context }): NewEntry => ({
    orderId: entry.orderId, showtimeId: entry.showtimeId, entryId: entryIdOf(entry.orderId), email: entry.email, tickets: entry.tickets,
    // When ordering decided it: the moment the entry was accepted, whenever it reaches the drawing.
    enteredAt: context.headers.sentAt, recordedAt: context.now,
  })))
  for (const item of fresh) if (recorded.get(item.data.orderId) === 'same-person') notDrawn(item, 'already-entered')
})
