import type { Sql } from '../../messaging/sql.ts'
import type { Movie, ShowtimeListing, Theater } from './model.ts'

/** The catalog's reads, for its own pages and JSON API. Time comes in as `now`; nothing here asks the clock. */

const movieColumns = `m.id, m.title, m.year, m.runtime_minutes as "runtimeMinutes", m.synopsis, m.rating`
const theaterColumns = `t.id, t.name, t.city, t.address`
const listingColumns = `s.id, s.movie_id as "movieId", s.theater_id as "theaterId", s.screen, s.starts_at as "startsAt",
  s.capacity, s.price_cents as "priceCents", s.ticket_type as "ticketType", s.policy, s.drawing_at as "drawingAt",
  s.tickets_per_buyer as "ticketsPerBuyer", m.title as "movieTitle", t.name as "theaterName"`
const listings = `catalog.showtimes s join catalog.movies m on m.id = s.movie_id join catalog.theaters t on t.id = s.theater_id`

export const listMovies = async (sql: Sql): Promise<Movie[]> =>
  (await sql.query<Movie>(`select ${movieColumns} from catalog.movies m order by m.title, m.id`)).rows

export const movieById = async (sql: Sql, id: string): Promise<Movie | undefined> =>
  (await sql.query<Movie>(`select ${movieColumns} from catalog.movies m where m.id = $1`, [id])).rows[0]

export const listTheaters = async (sql: Sql): Promise<Theater[]> =>
  (await sql.query<Theater>(`select ${theaterColumns} from catalog.theaters t order by t.name, t.id`)).rows

export const theaterById = async (sql: Sql, id: string): Promise<Theater | undefined> =>
  (await sql.query<Theater>(`select ${theaterColumns} from catalog.theaters t where t.id = $1`, [id])).rows[0]

export const showtimeById = async (sql: Sql, id: string): Promise<ShowtimeListing | undefined> =>
  (await sql.query<ShowtimeListing>(`select ${listingColumns} from ${listings} where s.id = $1`, [id])).rows[0]

/** Showtimes after `now`, soonest first, of one movie, one theater, or all. */
export const upcomingShowtimes = async (sql: Sql, now: Date, only: { movieId?: string; theaterId?: string } = {}): Promise<ShowtimeListing[]> =>
  (await sql.query<ShowtimeListing>(
    `select ${listingColumns} from ${listings}
     where s.starts_at > $1 and ($2::text is null or s.movie_id = $2) and ($3::text is null or s.theater_id = $3)
     order by s.starts_at, t.name, s.screen`,
    [now, only.movieId ?? null, only.theaterId ?? null],
  )).rows

export interface NowShowing {
  readonly movie: Movie
  /** How many showtimes are still to come. */
  readonly upcoming: number
  readonly next: ShowtimeListing[]
}

/** Every movie with showtimes to come, with its next few; the home page. */
export const nowShowing = async (sql: Sql, now: Date, perMovie: number): Promise<NowShowing[]> => {
  const { rows } = await sql.query<ShowtimeListing & { upcoming: number }>(
    `select * from (
       select ${listingColumns},
              row_number() over (partition by s.movie_id order by s.starts_at, t.name, s.screen) as n,
              (count(*) over (partition by s.movie_id))::int as upcoming
       from ${listings} where s.starts_at > $1
     ) listed where n <= $2 order by "startsAt", "theaterName", screen`,
    [now, perMovie],
  )
  const movies = new Map((await listMovies(sql)).map((m) => [m.id, m]))
  const byMovie = new Map<string, NowShowing>()
  for (const { upcoming, n: _, ...showtime } of rows as (ShowtimeListing & { upcoming: number; n: unknown })[]) {
    const entry = byMovie.get(showtime.movieId) ?? { movie: movies.get(showtime.movieId)!, upcoming, next: [] }
    entry.next.push(showtime)
    byMovie.set(showtime.movieId, entry)
  }
  return [...byMovie.values()]
}
