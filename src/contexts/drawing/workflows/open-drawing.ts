import type { DataOf } from '../../../messaging/message.ts'
import type { SagaContext } from '../../../messaging/saga.ts'
import type { ShowtimeScheduled } from '../../catalog/messages.ts'
import { drawAlgorithm } from '../draw.ts'
import { insertDrawing } from '../drawings.ts'
import { DrawingOpened } from '../messages.ts'
import { commitmentOf, newSeed } from '../seed.ts'
import type { DrawingSettings } from '../settings.ts'
import type { DrawingState } from './drawing.state.ts'

const iso = (at: string | number) => new Date(at).toISOString()

/**
 * Step 1: a drawing showtime is scheduled. The seed is made and kept in the saga's state; only its commitment is
 * stored and published; the draw is booked as a durable timeout. Scheduled again — while open or after the draw —
 * it changes nothing and books no second timeout.
 */
export const openDrawing = async (
  state: DrawingState | undefined,
  showtime: DataOf<typeof ShowtimeScheduled>,
  ctx: SagaContext,
  settings: DrawingSettings,
): Promise<DrawingState | undefined> => {
  if (state || showtime.ticketType !== 'drawing' || !showtime.drawingAt) return undefined
  const seed = newSeed()
  const drawing = {
    showtimeId: showtime.showtimeId,
    movieId: showtime.movieId,
    movieTitle: showtime.movieTitle,
    theaterName: showtime.theaterName,
    startsAt: iso(showtime.startsAt),
    capacity: showtime.capacity,
    drawingAt: iso(showtime.drawingAt),
    drawAt: iso(Date.parse(showtime.drawingAt) + settings.graceMs()),
    commitment: commitmentOf(seed),
    algorithm: drawAlgorithm,
  }
  if (!(await insertDrawing(ctx.tx, { ...drawing, openedAt: ctx.now }))) return undefined
  ctx.publish(DrawingOpened, {
    showtimeId: drawing.showtimeId, commitment: drawing.commitment, algorithm: drawing.algorithm,
    capacity: drawing.capacity, drawingAt: drawing.drawingAt, drawAt: drawing.drawAt,
  })
  ctx.requestTimeout(new Date(drawing.drawAt), 'draw')
  return { showtimeId: drawing.showtimeId, seed }
}
