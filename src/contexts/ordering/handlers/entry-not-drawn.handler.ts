import { handle } from '../../../messaging/handler.ts'
import { EntryNotDrawn } from '../../drawing/messages.ts'
import { orderById, recordOutcome } from '../orders.ts'

/**
 * An entry the drawing passed over ends as "not drawn", saying why (a second entry of the same person is told it is
 * in already, not that it lost); it held no seats, so no writer is involved.
 */
export const entryNotDrawn = handle(EntryNotDrawn, async (entry, ctx) => {
  const order = await orderById(ctx.tx, entry.orderId)
  if (order?.status !== 'entered-drawing') return
  await recordOutcome(ctx.tx, entry.orderId, 'not-drawn', { outcome: 'not-drawn', orderId: entry.orderId, showtimeId: entry.showtimeId, reason: entry.reason }, ctx.now)
})
