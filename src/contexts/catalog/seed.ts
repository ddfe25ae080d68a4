import type { MessageSession } from '../../messaging/session.ts'
import type { Sql } from '../../messaging/sql.ts'
import { demoCatalog } from './demo-catalog.ts'
import { ShowtimeScheduled } from './messages.ts'
import type { Movie, Showtime, Theater } from './model.ts'

/** Serialises seeding across processes starting together on one PostgreSQL, and admins' changes (the migrations use 7402001). */
export const seedLock = 7402101

/**
 * Seeds the demo catalog when it is empty: the rows and one ShowtimeScheduled per showtime commit together, so
 * ordering builds each showtime's seats from events that exist exactly when the showtime does.
 * Returns how many showtimes it scheduled (0 when the catalog already had movies).
 */
export const seedCatalog = (session: MessageSession, today: Date): Promise<number> =>
  session.transaction(async (tx, out) => {
    await tx.query('select pg_advisory_xact_lock($1)', [seedLock])
    const { rows } = await tx.query<{ seeded: boolean }>('select exists (select 1 from catalog.movies) as seeded')
    if (rows[0]?.seeded) return 0

    const demo = demoCatalog(today)
    await insertCatalog(tx, demo)
    const movies = new Map(demo.movies.map((m) => [m.id, m]))
    const theaters = new Map(demo.theaters.map((t) => [t.id, t]))
    for (const showtime of demo.showtimes) out.publish(ShowtimeScheduled, scheduled(showtime, movies.get(showtime.movieId)!, theaters.get(showtime.theaterId)!))
    return demo.showtimes.length
  })

export const scheduled = (s: Showtime, movie: Movie, theater: Theater) => ({
  showtimeId: s.id,
  movieId: s.movieId,
  theaterId: s.theaterId,
  movieTitle: movie.title,
  theaterName: theater.name,
  screen: s.screen,
  startsAt: s.startsAt.toISOString(),
  capacity: s.capacity,
  priceCents: s.priceCents,
  ticketType: s.ticketType,
  policy: s.policy,
  drawingAt: s.drawingAt?.toISOString() ?? null,
  ticketsPerBuyer: s.ticketsPerBuyer,
})

/** One statement per table, whatever the number of rows. */
const insertCatalog = async (tx: Sql, demo: { movies: readonly Movie[]; theaters: readonly Theater[]; showtimes: readonly Showtime[] }) => {
  await tx.query(
    `insert into catalog.movies (id, title, year, runtime_minutes, synopsis, rating)
     select id, title, year, "runtimeMinutes", synopsis, rating
     from jsonb_to_recordset($1::jsonb) as r(id text, title text, year int, "runtimeMinutes" int, synopsis text, rating text)`,
    [JSON.stringify(demo.movies)],
  )
  await tx.query(
    `insert into catalog.theaters (id, name, city, address)
     select id, name, city, address from jsonb_to_recordset($1::jsonb) as r(id text, name text, city text, address text)`,
    [JSON.stringify(demo.theaters)],
  )
  await tx.query(
    `insert into catalog.showtimes (id, movie_id, theater_id, screen, starts_at, capacity, price_cents, ticket_type, policy, drawing_at, tickets_per_buyer)
     select id, "movieId", "theaterId", screen, "startsAt", capacity, "priceCents", "ticketType", policy, "drawingAt", "ticketsPerBuyer"
     from jsonb_to_recordset($1::jsonb) as r(id text, "movieId" text, "theaterId" text, screen text, "startsAt" timestamptz,
       capacity int, "priceCents" int, "ticketType" text, policy text, "drawingAt" timestamptz, "ticketsPerBuyer" int)`,
    [JSON.stringify(demo.showtimes)],
  )
}
