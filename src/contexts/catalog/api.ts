import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { maxTicketsPerOrder } from '../ordering/messages.ts'
import { labels } from './labels.ts'
import type { ShowtimeListing } from './model.ts'
import { listMovies, listTheaters, movieById, nowShowing, showtimeById, theaterById, upcomingShowtimes } from './queries.ts'

const slug = z.string().max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'an id is lowercase letters, digits and dashes, like "top-gun-maverick"')
const movieParams = z.object({ movieId: slug })
const theaterParams = z.object({ theaterId: slug })
const showtimeParams = z.object({ showtimeId: slug })
const movieQuery = z.object({ showtime: slug.optional() })

const page = (reply: FastifyReply, name: string, data: Record<string, unknown>) => reply.view(`contexts/catalog/views/${name}.eta`, { labels, ...data })
const byTheaterThenTime = (a: ShowtimeListing, b: ShowtimeListing) =>
  a.theaterName.localeCompare(b.theaterName) || a.startsAt.getTime() - b.startsAt.getTime()

/** The catalog's pages (home, movies, theaters) and its JSON API. Pages read through queries.ts, never SQL here. */
export const catalogWeb = ({ db, availability }: WebDeps) => async (app: FastifyInstance) => {
  const now = () => new Date()
  const movieOr404 = async (id: string) => (await movieById(db, id)) ?? notFound('movie', id)
  const theaterOr404 = async (id: string) => (await theaterById(db, id)) ?? notFound('theater', id)

  app.get('/', async (_, reply) => {
    const showing = await nowShowing(db, now(), 4)
    const featured = showing.find((s) => s.next.some((t) => t.ticketType === 'drawing'))
    return page(reply, 'home', { title: 'What’s on', nav: 'home', showing, featured })
  })

  app.get('/movies', async (_, reply) => {
    const showing = new Map((await nowShowing(db, now(), 1)).map((s) => [s.movie.id, s]))
    const movies = (await listMovies(db)).map((movie) => ({ movie, upcoming: showing.get(movie.id)?.upcoming ?? 0, next: showing.get(movie.id)?.next[0] }))
    return page(reply, 'movies', { title: 'Movies', nav: 'movies', movies })
  })

  app.get('/movies/:movieId', async (request, reply) => {
    const { movieId } = parse(movieParams, request.params, 'path')
    const { showtime } = parse(movieQuery, request.query, 'query')
    const movie = await movieOr404(movieId)
    const showtimes = (await upcomingShowtimes(db, now(), { movieId })).sort(byTheaterThenTime)
    const selected = showtimes.find((s) => s.id === showtime) ?? showtimes[0]
    // Ordering's view of each: nearly full or sold out is said beside its time (a moment old; the order decides).
    const seatsLeft = await (availability?.seatsLeft(showtimes.map((s) => s.id)) ?? new Map<string, number>())
    // One order id per filled form: a double click, a resubmit or a retry of this form is the same order.
    return page(reply, 'movie', { title: movie.title, nav: 'movies', movie, showtimes, selected, maxTicketsPerOrder, orderId: randomUUID(), seatsLeft })
  })

  /** A showtime's own address (an apology e-mail offers one): its movie's page, with it chosen in the order form. */
  app.get('/showtimes/:showtimeId', async (request, reply) => {
    const { showtimeId } = parse(showtimeParams, request.params, 'path')
    const showtime = (await showtimeById(db, showtimeId)) ?? notFound('showtime', showtimeId)
    return reply.redirect(`/movies/${showtime.movieId}?showtime=${showtime.id}#order`, 303)
  })

  app.get('/theaters', async (_, reply) => page(reply, 'theaters', { title: 'Theaters', nav: 'theaters', theaters: await listTheaters(db) }))

  app.get('/theaters/:theaterId', async (request, reply) => {
    const { theaterId } = parse(theaterParams, request.params, 'path')
    const theater = await theaterOr404(theaterId)
    const showtimes = await upcomingShowtimes(db, now(), { theaterId })
    return page(reply, 'theater', { title: theater.name, nav: 'theaters', theater, showtimes })
  })

  app.get('/api/movies', async () => ({ items: await listMovies(db) }))

  app.get('/api/movies/:movieId', async (request) => {
    const { movieId } = parse(movieParams, request.params, 'path')
    const movie = await movieOr404(movieId)
    return { ...movie, showtimes: await upcomingShowtimes(db, now(), { movieId }) }
  })

  app.get('/api/showtimes/:showtimeId', async (request) => {
    const { showtimeId } = parse(showtimeParams, request.params, 'path')
    return (await showtimeById(db, showtimeId)) ?? notFound('showtime', showtimeId)
  })
}

const notFound = (what: string, id: string): never => {
  throw new HttpError('NOT_FOUND', `no ${what} "${id}"`)
}
