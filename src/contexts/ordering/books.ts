import type { Sql } from '../../messaging/sql.ts'
import type { BooksTable } from '../index.ts'

/**
 * Ordering's part of ops' books, per showing: its seats (left of capacity, the stream's version), its orders by what
 * was decided, the tickets sold, and how many outcomes a page said it showed (push receipts).
 */
export const orderingBooks = async (sql: Sql): Promise<BooksTable> => {
  const { rows } = await sql.query<{ showtimeId: string; label: string; seats: string; version: number; accepted: number; tickets: number; soldOut: number; undecided: number; entries: number; seen: number; decided: number }>(
    `select s.showtime_id as "showtimeId", s.movie_title || ', ' || s.theater_name as label, s.seats_left || ' of ' || s.capacity as seats, s.version,
       count(o.order_id) filter (where o.status = 'accepted')::int as accepted,
       coalesce(sum(o.tickets) filter (where o.status = 'accepted'), 0)::int as tickets,
       count(o.order_id) filter (where o.status = 'sold-out')::int as "soldOut",
       count(o.order_id) filter (where o.decided_at is null)::int as undecided,
       count(o.order_id) filter (where o.status = 'entered-drawing')::int as entries,
       count(r.order_id)::int as seen,
       count(o.order_id) filter (where o.decided_at is not null)::int as decided
     from ordering.showtimes s
     left join ordering.orders o on o.showtime_id = s.showtime_id
     left join ordering.push_receipts r on r.order_id = o.order_id
     group by s.showtime_id, s.movie_title, s.theater_name, s.seats_left, s.capacity, s.version, s.starts_at
     having count(o.order_id) > 0
     order by count(o.order_id) desc, s.starts_at limit 200`)
  return {
    title: 'Ordering',
    columns: ['Showing', 'Seats left', 'Stream version', 'Accepted', 'Tickets sold', 'Sold out', 'Drawing entries', 'Not decided yet', 'Outcomes seen in a browser'],
    rows: rows.map((r) => ({ showtimeId: r.showtimeId, cells: [r.label, r.seats, r.version, r.accepted, r.tickets, r.soldOut, r.entries, r.undecided, `${r.seen} of ${r.decided}`] })),
  }
}

/** A showing's seat stream, newest first: every delta its writer appended, and the order that caused it. */
export const seatStreamBook = async (sql: Sql, showtimeId: string): Promise<BooksTable> => {
  const { rows } = await sql.query<{ version: number; type: string; delta: number; recordedAt: Date; causedBy: string | null }>(
    `select version, type, delta, recorded_at as "recordedAt", caused_by::text as "causedBy" from ordering.seat_events
     where showtime_id = $1 order by version desc limit 500`, [showtimeId])
  return {
    title: 'The seat stream (newest first, at most 500)',
    columns: ['Version', 'Event', 'Seats', 'Recorded', 'Caused by (an order: its conversation)'],
    rows: rows.map((r) => ({ showtimeId, cells: [r.version, r.type, r.delta > 0 ? `+${r.delta}` : String(r.delta), new Date(r.recordedAt).toISOString(), r.causedBy ?? ''] })),
  }
}

/** A page says it showed an order's outcome: counted once, and only for the browser session that placed the order. */
export const recordReceipt = async (sql: Sql, orderId: string, browserSession: string, at: Date) =>
  (await sql.query(`insert into ordering.push_receipts (order_id, seen_at) select order_id, $3 from ordering.orders
     where order_id = $1 and client_session = $2 and decided_at is not null on conflict do nothing`, [orderId, browserSession, at])).rowCount === 1
