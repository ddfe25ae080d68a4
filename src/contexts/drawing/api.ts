import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { publicDrawing } from './public-drawing.ts'
import { drawingById, publicEntries, winnersOf } from './queries.ts'

const showtimeParams = z.object({
  showtimeId: z.string().max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a showtime id is lowercase letters, digits and dashes, like "got-finale-breda-1"'),
})

/** Each drawing in the open: its page, and the JSON anyone needs to re-run the draw (scripts: drawing:verify). */
export const drawingWeb = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  const drawingOr404 = async (params: unknown) => {
    const { showtimeId } = parse(showtimeParams, params, 'path')
    const drawing = await drawingById(db, showtimeId)
    if (!drawing) throw new HttpError('NOT_FOUND', `no drawing for showtime "${showtimeId}"`)
    return drawing
  }

  app.get('/drawings/:showtimeId', async (request, reply) => {
    const row = await drawingOr404(request.params)
    const drawing = publicDrawing(row, new Date())
    return reply.view('contexts/drawing/views/drawing.eta', { title: `Drawing · ${drawing.movieTitle}`, drawing, movieId: row.movieId })
  })

  app.get('/api/drawings/:showtimeId', async (request) => publicDrawing(await drawingOr404(request.params), new Date()))

  app.get('/api/drawings/:showtimeId/entries', async (request) => {
    const { showtimeId, status } = await drawingOr404(request.params)
    const entries = await publicEntries(db, showtimeId)
    return {
      showtimeId,
      // Until the draw the list can still grow; once drawn it is exactly what was drawn from.
      final: status === 'drawn',
      count: entries.length,
      entries: entries.map((e) => ({ entryId: e.entryId, tickets: e.tickets, enteredAt: e.enteredAt.toISOString() })),
    }
  })

  app.get('/api/drawings/:showtimeId/result', async (request) => {
    const drawing = await drawingOr404(request.params)
    if (drawing.status !== 'drawn') {
      throw new HttpError('CONFLICT', `the drawing for showtime "${drawing.showtimeId}" has not been held yet; it is drawn at ${drawing.drawAt.toISOString()}`)
    }
    return {
      showtimeId: drawing.showtimeId,
      algorithm: drawing.algorithm,
      seed: drawing.seed,
      capacity: drawing.capacity,
      seatsAwarded: drawing.seatsAwarded,
      heldAt: drawing.heldAt?.toISOString(),
      winners: await winnersOf(db, drawing.showtimeId),
    }
  })
}
