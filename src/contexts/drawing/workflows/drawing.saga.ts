import { saga } from '../../../messaging/saga.ts'
import { ShowtimeScheduled } from '../../catalog/messages.ts'
import type { DrawingSettings } from '../settings.ts'
import { drawingState } from './drawing.state.ts'
import { holdDrawing } from './hold-drawing.ts'
import { openDrawing } from './open-drawing.ts'

const policy = saga('drawing', drawingState)

/**
 * One drawing per drawing showtime, correlated by its showtime id.
 *
 *   1. ShowtimeScheduled (a drawing) → seed made, commitment published, timeout "draw" at the drawing date + grace
 *      (open-drawing.ts). Compensation: none needed; nothing is promised to anyone yet.
 *   2. timeout "draw" → window closed, draw, ClaimDrawnSeats per winner, EntryNotDrawn per other entry, DrawingHeld
 *      with the seed; complete (hold-drawing.ts). Compensation: none; a claim ordering refuses (capacity changed)
 *      ends as that order's "sold out", like any order.
 *
 * Entries are not a step: they are rows of the drawing's own table (record-entry.handler.ts), so a flood of them
 * never contends for this saga's one state row, and an entry after the saga completed still gets its answer.
 */
export const drawingSaga = (settings: DrawingSettings) => policy.define({
  steps: [
    policy.step(ShowtimeScheduled, {
      starts: true,
      correlate: (showtime) => showtime.showtimeId,
      handle: (state, showtime, ctx) => openDrawing(state, showtime, ctx, settings),
    }),
  ],
  timeouts: {
    draw: (state, _, ctx) => holdDrawing(state, ctx),
  },
})
