import { handle } from '../../../messaging/handler.ts'
import { ClaimDrawnSeats } from '../messages.ts'
import { orderById } from '../orders.ts'
import { appendToShowtime, loadShowtime } from '../seat-stream.ts'
import { decide } from '../showtime.decider.ts'
import { settle } from './decisions.ts'

/**
 * A drawing's winning entry turns into seats on the showtime's single writer: accepted like an order (so the tickets
 * e-mail follows from OrderAccepted), never past capacity. A claim for an entry already settled does nothing.
 */
export const claimDrawnSeats = handle(ClaimDrawnSeats, async (claim, ctx) => {
  const entry = await orderById(ctx.tx, claim.orderId)
  if (!entry) throw new Error(`drawing claimed seats for order ${claim.orderId}, which ordering never received`)
  if (entry.status !== 'entered-drawing') return
  const loaded = await loadShowtime(ctx.tx, claim.showtimeId)
  const events = decide({ type: 'ClaimDrawnSeats', data: { orderId: claim.orderId, seats: claim.tickets } }, loaded.state)
  const next = await appendToShowtime(ctx.tx, claim.showtimeId, loaded, events, { recordedAt: ctx.now, causedBy: ctx.headers.messageId })
  await settle(ctx, { next, decision: events[0]!, email: entry.email })
})
