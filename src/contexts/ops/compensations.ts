import type { Sql } from '../../messaging/sql.ts'

export interface Compensations {
  readonly oversoldOrders: number
  readonly oversoldTickets: number
  /** Accepted at the edge and cancelled because they took their buyer past the showing's cap. */
  readonly overLimitOrders: number
  readonly refunds: number
  readonly refundedCents: number
  /** Cancelled orders that were paid for and are not refunded yet (billing is behind, or waits for a late capture). */
  readonly refundsPending: number
  readonly pendingCents: number
  readonly apologiesSent: number
}

export interface ShowtimeCompensations extends Compensations {
  readonly showtimeId: string
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: string
}

const figures = `count(*) filter (where reason = 'oversold')::int as "oversoldOrders",
  coalesce(sum(tickets) filter (where reason = 'oversold'), 0)::int as "oversoldTickets",
  count(*) filter (where reason = 'buyer-limit')::int as "overLimitOrders",
  count(refunded_at)::int as "refunds", coalesce(sum(refunded_cents), 0)::int as "refundedCents",
  count(*) filter (where refunded_at is null and refund_due_cents > 0)::int as "refundsPending",
  coalesce(sum(refund_due_cents) filter (where refunded_at is null), 0)::int as "pendingCents",
  count(apologized_at)::int as "apologiesSent"`

/** Per showtime, soonest first, and in all: orders known to be cancelled (oversold or past the cap), and where making them whole stands. */
export const compensations = async (sql: Sql): Promise<{ showtimes: ShowtimeCompensations[]; totals: Compensations }> => {
  const { rows } = await sql.query<ShowtimeCompensations & { startsAt: Date }>(
    `select showtime_id as "showtimeId", max(movie_title) as "movieTitle", max(theater_name) as "theaterName", max(starts_at) as "startsAt", ${figures}
     from ops.compensations where cancelled_at is not null group by showtime_id order by max(starts_at), showtime_id`)
  const [totals] = (await sql.query<Compensations>(`select ${figures} from ops.compensations where cancelled_at is not null`)).rows
  return { showtimes: rows.map((row) => ({ ...row, startsAt: new Date(row.startsAt).toISOString() })), totals: totals! }
}
