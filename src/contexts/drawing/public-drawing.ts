import type { DrawingRow } from './queries.ts'

/** Open for entries, closed and waiting for the draw (the grace period), or drawn. */
export type DrawingStatus = 'open' | 'closed' | 'drawn'

export const statusOf = (d: DrawingRow, now: Date): DrawingStatus =>
  d.status === 'drawn' ? 'drawn' : now.getTime() < d.drawingAt.getTime() ? 'open' : 'closed'

export const linksOf = (showtimeId: string) => ({
  page: `/drawings/${showtimeId}`,
  entries: `/api/drawings/${showtimeId}/entries`,
  result: `/api/drawings/${showtimeId}/result`,
})

/** The drawing as `GET /api/drawings/:showtimeId` answers it. */
export const publicDrawing = (d: DrawingRow, now: Date) => ({
  showtimeId: d.showtimeId,
  movieTitle: d.movieTitle,
  theaterName: d.theaterName,
  startsAt: d.startsAt.toISOString(),
  capacity: d.capacity,
  status: statusOf(d, now),
  entriesCloseAt: d.drawingAt.toISOString(),
  drawAt: d.drawAt.toISOString(),
  entries: d.entries,
  algorithm: d.algorithm,
  commitment: d.commitment,
  commitmentIs: 'sha256 of the seed as written (64 lower-case hex characters)',
  seed: d.seed,
  heldAt: d.heldAt?.toISOString() ?? null,
  winners: d.winners,
  seatsAwarded: d.seatsAwarded,
  links: linksOf(d.showtimeId),
})

export type PublicDrawing = ReturnType<typeof publicDrawing>
