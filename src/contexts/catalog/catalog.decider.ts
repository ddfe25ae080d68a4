import type { OversellingPolicy, TicketType } from './messages.ts'
import type { Movie, Showtime, Theater } from './model.ts'

/**
 * What an admin may change in the catalog, decided against the catalog as it stands (the shared tables with every
 * change not taken into them yet): add a movie, schedule a showing (a drawing showing opens a drawing), add seats to
 * a showing. Each change is named by an id the admin's form made, so a form sent twice changes the catalog once.
 */

export interface CatalogView {
  readonly movies: ReadonlyMap<string, Movie>
  readonly theaters: ReadonlyMap<string, Theater>
  readonly showtimes: ReadonlyMap<string, Showtime>
}

export interface NewMovie {
  readonly title: string
  readonly year: number
  readonly runtimeMinutes: number
  readonly rating: string
  readonly synopsis: string
}

export interface NewShowtime {
  readonly movieId: string
  readonly theaterId: string
  readonly screen: string
  readonly startsAt: string
  readonly capacity: number
  readonly priceCents: number
  readonly ticketType: TicketType
  readonly policy: OversellingPolicy
  readonly drawingAt: string | null
  readonly ticketsPerBuyer: number
}

export type CatalogCommand =
  | { readonly type: 'AddMovie'; readonly data: NewMovie & { readonly changeId: string; readonly now: string } }
  | { readonly type: 'ScheduleShowtime'; readonly data: NewShowtime & { readonly changeId: string; readonly now: string } }
  | { readonly type: 'AddSeats'; readonly data: { readonly changeId: string; readonly showtimeId: string; readonly seats: number; readonly now: string } }

export type CatalogChange =
  | { readonly kind: 'movie-added'; readonly data: Movie }
  | { readonly kind: 'showtime-scheduled'; readonly data: Omit<Showtime, 'startsAt' | 'drawingAt'> & { readonly startsAt: string; readonly drawingAt: string | null } }
  | { readonly kind: 'capacity-added'; readonly data: { readonly showtimeId: string; readonly seats: number } }

export type CatalogRefusal =
  | 'unknown-movie'
  | 'unknown-theater'
  | 'unknown-showtime'
  | 'in-the-past'
  | 'screen-taken'
  | 'drawing-date'
  | 'drawing-capacity'
  | 'showtime-over'

export type CatalogDecision = { readonly change: CatalogChange } | { readonly refused: CatalogRefusal }

/** `Dune: Part Two` → `dune-part-two`; at most 60 characters, never empty. */
export const slugOf = (title: string) =>
  title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'movie'

/** A new movie's id: its title's slug, then with its year, then numbered, whichever is free first. */
const freeMovieId = (view: CatalogView, movie: NewMovie) => {
  const base = slugOf(movie.title)
  for (const candidate of [base, `${base}-${movie.year}`]) if (!view.movies.has(candidate)) return candidate
  for (let n = 2; ; n++) if (!view.movies.has(`${base}-${movie.year}-${n}`)) return `${base}-${movie.year}-${n}`
}

/** A showing's id: its movie's and the change's, short enough for an address. */
const showtimeIdOf = (movieId: string, changeId: string) => `${movieId.slice(0, 60).replace(/-+$/, '')}-${changeId.replace(/-/g, '').slice(0, 10)}`

const scheduleShowtime = (view: CatalogView, command: Extract<CatalogCommand, { type: 'ScheduleShowtime' }>['data']): CatalogDecision => {
  const { changeId, now, ...showtime } = command
  if (!view.movies.has(showtime.movieId)) return { refused: 'unknown-movie' }
  if (!view.theaters.has(showtime.theaterId)) return { refused: 'unknown-theater' }
  const startsAt = Date.parse(showtime.startsAt)
  if (startsAt <= Date.parse(now)) return { refused: 'in-the-past' }
  const drawing = showtime.ticketType === 'drawing'
  if (drawing !== (showtime.drawingAt !== null)) return { refused: 'drawing-date' }
  if (showtime.drawingAt !== null && !(Date.parse(showtime.drawingAt) > Date.parse(now) && Date.parse(showtime.drawingAt) < startsAt)) return { refused: 'drawing-date' }
  const taken = [...view.showtimes.values()].some((s) => s.theaterId === showtime.theaterId && s.screen === showtime.screen && s.startsAt.getTime() === startsAt)
  if (taken) return { refused: 'screen-taken' }
  return { change: { kind: 'showtime-scheduled', data: {
    ...showtime, id: showtimeIdOf(showtime.movieId, changeId),
    // A drawing is free and strict: its winners get seats that exist, never more.
    ...(drawing && { priceCents: 0, policy: 'strict' as const }),
  } } }
}

export const decide = (command: CatalogCommand, view: CatalogView): CatalogDecision => {
  switch (command.type) {
    case 'AddMovie': {
      const { changeId: _, now: __, ...movie } = command.data
      return { change: { kind: 'movie-added', data: { ...movie, id: freeMovieId(view, movie) } } }
    }
    case 'ScheduleShowtime':
      return scheduleShowtime(view, command.data)
    case 'AddSeats': {
      const showtime = view.showtimes.get(command.data.showtimeId)
      if (!showtime) return { refused: 'unknown-showtime' }
      // A drawing's capacity is in its published commitment: the draw must be checkable against it, so it stays.
      if (showtime.ticketType === 'drawing') return { refused: 'drawing-capacity' }
      if (showtime.startsAt.getTime() <= Date.parse(command.data.now)) return { refused: 'showtime-over' }
      return { change: { kind: 'capacity-added', data: { showtimeId: showtime.id, seats: command.data.seats } } }
    }
    default: return unreachable(command)
  }
}

/** The catalog moved on by one change: how the shared tables take it in, and how an admin's own view folds theirs. */
export const evolve = (view: CatalogView, change: CatalogChange): CatalogView => {
  switch (change.kind) {
    case 'movie-added':
      return { ...view, movies: new Map(view.movies).set(change.data.id, change.data) }
    case 'showtime-scheduled': {
      const s = change.data
      return { ...view, showtimes: new Map(view.showtimes).set(s.id, { ...s, startsAt: new Date(s.startsAt), drawingAt: s.drawingAt === null ? null : new Date(s.drawingAt) }) }
    }
    case 'capacity-added': {
      const showtime = view.showtimes.get(change.data.showtimeId)
      return showtime ? { ...view, showtimes: new Map(view.showtimes).set(showtime.id, { ...showtime, capacity: showtime.capacity + change.data.seats }) } : view
    }
    default: return unreachable(change)
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`)
}
