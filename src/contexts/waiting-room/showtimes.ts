import { LRUCache } from 'lru-cache'
import { sharedRead } from '../../adapters/db/shared-read.ts'
import type { Database, Sql } from '../../messaging/sql.ts'

/** What the waiting room knows of a showtime: enough to name it on its page and to send a person on to order. */
export interface KnownShowtime {
  readonly showtimeId: string
  readonly movieId: string
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: Date
}

const columns = `showtime_id as "showtimeId", movie_id as "movieId", movie_title as "movieTitle", theater_name as "theaterName", starts_at as "startsAt"`

export const saveShowtime = (sql: Sql, s: Omit<KnownShowtime, 'startsAt'> & { readonly startsAt: string }) =>
  sql.query(
    `insert into waiting_room.showtimes (showtime_id, movie_id, movie_title, theater_name, starts_at) values ($1, $2, $3, $4, $5)
     on conflict (showtime_id) do update set movie_id = excluded.movie_id, movie_title = excluded.movie_title,
       theater_name = excluded.theater_name, starts_at = excluded.starts_at`,
    [s.showtimeId, s.movieId, s.movieTitle, s.theaterName, s.startsAt])

export const showtimeOf = async (sql: Sql, showtimeId: string): Promise<KnownShowtime | undefined> =>
  (await sql.query<KnownShowtime>(`select ${columns} from waiting_room.showtimes where showtime_id = $1`, [showtimeId])).rows[0]

/**
 * What the room knows of a showtime changes only when catalog reschedules it: each process keeps what it read for a
 * few seconds, so a burst of joins does not read the same row thousands of times. A showtime not known is asked again.
 */
const known = new WeakMap<Database, LRUCache<string, KnownShowtime>>()
export const knownShowtimeOf = async (db: Database, showtimeId: string): Promise<KnownShowtime | undefined> => {
  let cache = known.get(db)
  if (!cache) known.set(db, (cache = new LRUCache<string, KnownShowtime>({ max: 10_000, ttl: 10_000 })))
  const cached = cache.get(showtimeId)
  if (cached) return cached
  // A burst finds the cache empty all at once: those asking while the read is on its way share it.
  const found = await sharedRead(db, `waiting-room.showtime ${showtimeId}`, () => showtimeOf(db, showtimeId))
  if (found) cache.set(showtimeId, found)
  return found
}

export const allShowtimes = async (sql: Sql): Promise<KnownShowtime[]> =>
  (await sql.query<KnownShowtime>(`select ${columns} from waiting_room.showtimes order by starts_at, showtime_id`)).rows

/** Where a person who was let through orders: the movie's page, with the showtime chosen, at its form. */
export const orderUrlOf = (s: Pick<KnownShowtime, 'movieId' | 'showtimeId'>) =>
  `/movies/${encodeURIComponent(s.movieId)}?showtime=${encodeURIComponent(s.showtimeId)}#order`
