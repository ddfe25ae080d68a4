import type { Sql } from '../../messaging/sql.ts'

/** The drawing's writes, and what its handlers read to decide. Pages read through queries.ts. */

export interface OpeningDrawing {
  readonly showtimeId: string
  readonly movieId: string
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: string
  readonly capacity: number
  readonly drawingAt: string
  readonly drawAt: string
  readonly commitment: string
  readonly algorithm: string
  readonly openedAt: Date
}

/** False when this showtime's drawing exists already (scheduled again, perhaps after it was held). */
export const insertDrawing = async (sql: Sql, d: OpeningDrawing): Promise<boolean> =>
  (await sql.query(
    `insert into drawing.drawings (showtime_id, movie_id, movie_title, theater_name, starts_at, capacity, drawing_at, draw_at, commitment, algorithm, opened_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (showtime_id) do nothing`,
    [d.showtimeId, d.movieId, d.movieTitle, d.theaterName, d.startsAt, d.capacity, d.drawingAt, d.drawAt, d.commitment, d.algorithm, d.openedAt],
  )).rowCount === 1

export interface DrawingFacts {
  readonly status: 'open' | 'drawn'
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: Date
  readonly capacity: number
}

const factColumns = `status, movie_title as "movieTitle", theater_name as "theaterName", starts_at as "startsAt", capacity`

/**
 * The drawings entries are for, share-locked: entries recorded at once do not wait for each other, and the draw
 * (which locks the row for update) waits until those in flight have committed, so it draws from all of them.
 */
export const drawingsForEntries = async (sql: Sql, showtimeIds: readonly string[]): Promise<Map<string, DrawingFacts>> =>
  new Map((await sql.query<DrawingFacts & { showtimeId: string }>(
    `select showtime_id as "showtimeId", ${factColumns} from drawing.drawings where showtime_id = any($1::text[]) for share`, [showtimeIds],
  )).rows.map(({ showtimeId, ...facts }) => [showtimeId, facts]))

/** The drawing about to be drawn, locked against entries being recorded meanwhile; undefined once it was held. */
export const drawingToHold = async (sql: Sql, showtimeId: string): Promise<DrawingFacts | undefined> =>
  (await sql.query<DrawingFacts>(`select ${factColumns} from drawing.drawings where showtime_id = $1 and status = 'open' for update`, [showtimeId])).rows[0]

export interface NewEntry {
  readonly orderId: string
  readonly showtimeId: string
  readonly entryId: string
  readonly email: string
  readonly tickets: number
  readonly enteredAt: string
  readonly recordedAt: Date
}

/** Which of these orders have an entry already. */
export const ordersEntered = async (sql: Sql, orderIds: readonly string[]): Promise<Set<string>> =>
  new Set((await sql.query<{ orderId: string }>(
    'select order_id::text as "orderId" from drawing.entries where order_id = any($1::uuid[])', [orderIds],
  )).rows.map((row) => row.orderId))

/**
 * Records entries in one statement, in the order given, unless an order is in already or its person (e-mail address,
 * in any case) entered before — also earlier in the same batch: the first entry of a person is the one kept.
 */
export const recordEntries = async (sql: Sql, entries: readonly NewEntry[]): Promise<Map<string, 'recorded' | 'same-order' | 'same-person'>> => {
  const recorded = new Set((await sql.query<{ orderId: string }>(
    `insert into drawing.entries (order_id, showtime_id, entry_id, email, tickets, entered_at, recorded_at)
     select order_id, showtime_id, entry_id, email, tickets, entered_at, recorded_at
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[]) with ordinality
       as e(order_id, showtime_id, entry_id, email, tickets, entered_at, recorded_at, ord)
     order by ord
     on conflict do nothing returning order_id::text as "orderId"`,
    [entries.map((e) => e.orderId), entries.map((e) => e.showtimeId), entries.map((e) => e.entryId), entries.map((e) => e.email),
      entries.map((e) => e.tickets), entries.map((e) => e.enteredAt), entries.map((e) => e.recordedAt)],
  )).rows.map((row) => row.orderId))
  const idOf = (e: NewEntry) => e.orderId.toLowerCase() // as PostgreSQL writes a uuid
  const missed = entries.filter((e) => !recorded.has(idOf(e)))
  const sameOrder = missed.length ? await ordersEntered(sql, missed.map(idOf)) : new Set<string>()
  return new Map(entries.map((e) => [e.orderId, recorded.has(idOf(e)) ? 'recorded' : sameOrder.has(idOf(e)) ? 'same-order' : 'same-person']))
}

export interface RecordedEntry {
  readonly orderId: string
  readonly entryId: string
  readonly email: string
  readonly tickets: number
}

export const entriesOf = async (sql: Sql, showtimeId: string): Promise<RecordedEntry[]> =>
  (await sql.query<RecordedEntry>(
    `select order_id as "orderId", entry_id as "entryId", email, tickets from drawing.entries where showtime_id = $1 order by entry_id`,
    [showtimeId],
  )).rows

/** The draw's result: the seed revealed, the winners ranked in award order, the drawing closed for good. */
export const storeResult = async (
  sql: Sql,
  showtimeId: string,
  result: { readonly seed: string; readonly heldAt: Date; readonly winnerOrderIds: readonly string[]; readonly seatsAwarded: number },
) => {
  await sql.query(
    `update drawing.entries e set award_rank = w.rank::int
     from unnest($2::uuid[]) with ordinality as w(order_id, rank)
     where e.showtime_id = $1 and e.order_id = w.order_id`,
    [showtimeId, result.winnerOrderIds],
  )
  await sql.query(
    `update drawing.drawings set status = 'drawn', seed = $2, held_at = $3, winners = $4, seats_awarded = $5 where showtime_id = $1`,
    [showtimeId, result.seed, result.heldAt, result.winnerOrderIds.length, result.seatsAwarded],
  )
}
