import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { readSwitch, switches } from '../../messaging/switches.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import { idempotentForm } from '../../web/csrf.ts'
import { instantOfWallClock } from '../../web/format.ts'
import type { WebDeps } from '../index.ts'
import { problemOf } from '../accounts/api.ts'
import type { CatalogCommand, CatalogRefusal } from './catalog.decider.ts'
import { catalogLag, type ChangeOutcome, changeCatalog, ownCatalog } from './changes.ts'
import { labels } from './labels.ts'
import { oversellingPolicies, ticketTypes } from './messages.ts'

const ratings = ['AL', '6', '9', '12', '14', '16', '18'] as const
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`).regex(/^[^\p{Cc}]*$/u, 'no control characters')
const slug = z.string().max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'an id is lowercase letters, digits and dashes')
const changeId = z.uuid('the form’s change id (reload the page)')
const instant = z.iso.datetime({ offset: true, error: 'a date and time, like 2026-12-10T20:00:00+01:00' })

const movieBody = z.strictObject({
  changeId,
  title: text(200).min(1, 'a title'),
  year: wholeNumber().pipe(z.number().min(1888, 'from 1888').max(2200, 'up to 2200')),
  runtimeMinutes: wholeNumber().pipe(z.number().min(1, 'at least a minute').max(1000, 'at most 1000 minutes')),
  rating: z.enum(ratings, 'one of AL, 6, 9, 12, 14, 16, 18'),
  synopsis: text(2000).default(''),
})
const showtimeBody = z.strictObject({
  changeId,
  movieId: slug,
  theaterId: slug,
  screen: text(80).min(1, 'a screen, like "Zaal 3"'),
  startsAt: instant,
  capacity: wholeNumber().pipe(z.number().min(1, 'at least one seat').max(10_000, 'at most 10,000 seats')),
  priceCents: wholeNumber().pipe(z.number().min(0).max(100_000, 'at most €1,000')),
  ticketType: z.enum(ticketTypes),
  policy: z.enum(oversellingPolicies),
  drawingAt: instant.nullable().default(null),
  ticketsPerBuyer: wholeNumber().pipe(z.number().min(1, 'at least one').max(1000, 'at most 1000')).default(10),
})
const seatsBody = z.strictObject({ changeId, seats: wholeNumber().pipe(z.number().min(1, 'at least one seat').max(10_000, 'at most 10,000 seats')) })
const showtimeParams = z.object({ showtimeId: slug })
const pageQuery = z.strictObject({ movie: slug.optional() })

/** The forms send wall-clock times and euros; the JSON API instants and cents. Anything unexpected fails the same schema. */
const wallClock = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'a date and time')
const euros = z.string().trim().regex(/^\d{1,4}([.,]\d{1,2})?$/, 'an amount in euros, like 12.50')
const fromForm = (body: Record<string, unknown>) => {
  const { _csrf: _, price, startsAt, drawingAt, ...rest } = body
  const at = (value: unknown) => (wallClock.safeParse(value).success ? instantOfWallClock(value as string).toISOString() : value)
  return {
    ...rest,
    ...(startsAt !== undefined && { startsAt: at(startsAt) }),
    ...(drawingAt !== undefined && { drawingAt: drawingAt === '' ? null : at(drawingAt) }),
    ...(price !== undefined && { priceCents: euros.safeParse(price).success ? Math.round(Number(String(price).replace(',', '.')) * 100) : price }),
  }
}

/** What a refusal says to the admin. */
const refusalWords: Record<CatalogRefusal, string> = {
  'unknown-movie': 'There is no such movie (yet): add it first.',
  'unknown-theater': 'There is no such theater.',
  'unknown-showtime': 'There is no such showing still to come.',
  'in-the-past': 'That time has passed: a showing is scheduled in the future.',
  'screen-taken': 'That screen already has a showing at that time.',
  'drawing-date': 'A drawing showing needs a drawing date between now and the showing; other showings have none.',
  'drawing-capacity': 'A drawing’s seats are fixed: its published commitment names them, so that anyone can check the draw.',
  'showtime-over': 'That showing has started: no seats can be added.',
}
const fieldLabels = {
  title: 'Title', year: 'Year', runtimeMinutes: 'Running time', rating: 'Age rating', synopsis: 'Synopsis', movieId: 'Movie', theaterId: 'Theater',
  screen: 'Screen', startsAt: 'Starts', capacity: 'Seats', priceCents: 'Price', price: 'Price', ticketType: 'Tickets', policy: 'Selling',
  drawingAt: 'Drawing date', ticketsPerBuyer: 'Tickets per buyer', seats: 'Seats', changeId: 'The form',
}

const describe = (outcome: Extract<ChangeOutcome, { ok: true }>) => {
  const { change } = outcome
  if (change.kind === 'movie-added') return `“${change.data.title}” is added.`
  if (change.kind === 'showtime-scheduled') return `The showing is scheduled${change.data.ticketType === 'drawing' ? ', and its drawing is open' : ''}.`
  return `${change.data.seats} seats are added.`
}

/**
 * The admins' catalog (everything under /admin is behind the admin guard): add a movie, schedule a showing (a drawing
 * showing opens its drawing), add seats. Each change shows at once on these pages, for the admin who made it; the
 * public pages show it once the shared tables take it in, and the lag between the two is on the page as it shrinks.
 */
export const catalogAdminWeb = ({ db, session }: WebDeps) => async (app: FastifyInstance) => {
  const actor = (request: FastifyRequest) => {
    if (!request.admin) throw new HttpError('FORBIDDEN', 'admins only')
    return request.admin
  }

  const overview = async (request: FastifyRequest) => {
    const now = new Date()
    const [own, lag, projectionDelayMs] = await Promise.all([ownCatalog(db, actor(request), now), catalogLag(db, now), readSwitch(db, switches.projectionDelayMs)])
    const movies = [...own.view.movies.values()].sort((a, b) => a.title.localeCompare(b.title))
    const showtimes = [...own.view.showtimes.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    return { own, lag, projectionDelayMs, movies, showtimes, theaters: [...own.view.theaters.values()].sort((a, b) => a.name.localeCompare(b.name)) }
  }

  /** The page lists one movie's showings, or the next ones and every one of the admin's own the public pages do not show yet. */
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const { own, showtimes, ...data } = await overview(request)
    const { movie } = pageQuery.safeParse(request.query).data ?? {}
    const listed = movie ? showtimes.filter((s) => s.movieId === movie) : showtimes.filter((s, i) => i < 40 || own.pending.has(s.id))
    return reply.view('contexts/catalog/views/admin-catalog.eta', {
      title: 'Catalog', nav: 'admin', labels, ratings, ticketTypes, policies: oversellingPolicies, pending: own.pending, newChangeId: randomUUID,
      showtimes: listed, movie: movie && data.movies.find((m) => m.id === movie), ...data, ...extra,
    })
  }

  app.get('/admin/catalog', async (request, reply) => {
    parse(pageQuery, request.query, 'query')
    return page(request, reply)
  })

  app.get('/api/admin/catalog', async (request) => {
    const { own, lag, projectionDelayMs, movies, showtimes } = await overview(request)
    return { lag, projectionDelayMs, pending: [...own.pending], movies: movies.map((m) => ({ ...m, pending: own.pending.has(m.id) })),
      showtimes: showtimes.map((s) => ({ ...s, pending: own.pending.has(s.id) })) }
  })

  const commands = {
    movies: (body: unknown, now: string): CatalogCommand => ({ type: 'AddMovie', data: { ...parse(movieBody, body, 'movie'), now } }),
    showtimes: (body: unknown, now: string): CatalogCommand => ({ type: 'ScheduleShowtime', data: { ...parse(showtimeBody, body, 'showing'), now } }),
  }
  const run = (request: FastifyRequest, command: CatalogCommand) => changeCatalog(session, command, actor(request), new Date())

  for (const [what, toCommand] of Object.entries(commands)) {
    app.post(`/api/admin/catalog/${what}`, async (request, reply) => answerJson(reply, await run(request, toCommand(request.body, new Date().toISOString()))))
    app.post(`/admin/catalog/${what}`, { config: idempotentForm }, async (request, reply) => {
      let command
      try {
        command = toCommand(fromForm((request.body ?? {}) as Record<string, unknown>), new Date().toISOString())
      } catch (error) {
        return page(request, reply.status(400), { problem: problemOf(error, fieldLabels) })
      }
      return answerForm(request, reply, await run(request, command))
    })
  }

  const seatsCommand = (request: FastifyRequest, body: unknown): CatalogCommand =>
    ({ type: 'AddSeats', data: { ...parse(seatsBody, body, 'seats'), ...parse(showtimeParams, request.params, 'path'), now: new Date().toISOString() } })
  app.post('/api/admin/catalog/showtimes/:showtimeId/seats', async (request, reply) => answerJson(reply, await run(request, seatsCommand(request, request.body))))
  app.post('/admin/catalog/showtimes/:showtimeId/seats', { config: idempotentForm }, async (request, reply) => {
    let command
    try {
      command = seatsCommand(request, fromForm((request.body ?? {}) as Record<string, unknown>))
    } catch (error) {
      return page(request, reply.status(400), { problem: problemOf(error, fieldLabels) })
    }
    return answerForm(request, reply, await run(request, command))
  })

  const answerJson = (reply: FastifyReply, outcome: ChangeOutcome) => {
    if (!outcome.ok) throw new HttpError('CONFLICT', refusalWords[outcome.refused], { refused: outcome.refused })
    return reply.status(outcome.again ? 200 : 202).send({ change: outcome.change, again: outcome.again })
  }
  const answerForm = (request: FastifyRequest, reply: FastifyReply, outcome: ChangeOutcome) =>
    outcome.ok ? page(request, reply.status(outcome.again ? 200 : 201), { notice: describe(outcome) }) : page(request, reply.status(409), { problem: refusalWords[outcome.refused] })
}
