import type { Sql } from '../../messaging/sql.ts'

/** What the drawing's pages and JSON read: never an e-mail address or an order id, never the seed before the draw. */

export interface DrawingRow {
  readonly showtimeId: string
  readonly movieId: string
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: Date
  readonly capacity: number
  readonly drawingAt: Date
  readonly drawAt: Date
  readonly commitment: string
  readonly algorithm: string
  readonly status: 'open' | 'drawn'
  /** Null until the draw. */
  readonly seed: string | null
  readonly heldAt: Date | null
  readonly winners: number | null
  readonly seatsAwarded: number | null
  readonly entries: number
}

export const drawingById = async (sql: Sql, showtimeId: string): Promise<DrawingRow | undefined> =>
  (await sql.query<DrawingRow>(
    `select showtime_id as "showtimeId", movie_id as "movieId", movie_title as "movieTitle", theater_name as "theaterName",
            starts_at as "startsAt", capacity, drawing_at as "drawingAt", draw_at as "drawAt", commitment, algorithm, status,
            case when status = 'drawn' then seed end as seed, held_at as "heldAt", winners, seats_awarded as "seatsAwarded",
            (select count(*)::int from drawing.entries e where e.showtime_id = d.showtime_id) as entries
     from drawing.drawings d where showtime_id = $1`,
    [showtimeId],
  )).rows[0]

export interface PublicEntry {
  readonly entryId: string
  readonly tickets: number
  readonly enteredAt: Date
}

/** In the draw's canonical order (by entry id). */
export const publicEntries = async (sql: Sql, showtimeId: string): Promise<PublicEntry[]> =>
  (await sql.query<PublicEntry>(
    `select entry_id as "entryId", tickets, entered_at as "enteredAt" from drawing.entries where showtime_id = $1 order by entry_id`,
    [showtimeId],
  )).rows

/** The winners in award order. */
export const winnersOf = async (sql: Sql, showtimeId: string): Promise<{ entryId: string; tickets: number }[]> =>
  (await sql.query<{ entryId: string; tickets: number }>(
    `select entry_id as "entryId", tickets from drawing.entries where showtime_id = $1 and award_rank is not null order by award_rank`,
    [showtimeId],
  )).rows
