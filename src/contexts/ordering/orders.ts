import { gatheredLookup } from '../../adapters/db/gathered-lookup.ts'
import type { Sql } from '../../messaging/sql.ts'
import { together } from '../../messaging/together.ts'
import type { LoadedShowtime } from './seat-stream.ts'
import type { OversellingPolicy } from './showtime.decider.ts'

export type OrderStatus = 'received' | 'accepted' | 'sold-out' | 'entered-drawing' | 'cancelled' | 'not-drawn' | 'limit-reached'

export interface Order {
  readonly orderId: string
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
  readonly status: OrderStatus
  readonly outcome: Record<string, unknown> | null
  readonly createdAt: string
  readonly decidedAt: string | null
  /** Told "accepted" by an optimistic showtime's web node before the writer decided. */
  readonly acceptedAtEdge: boolean
}

export interface ShowtimeRow {
  readonly showtimeId: string
  readonly movieTitle: string
  readonly theaterName: string
  /** The screen (hall); null for a showing opened before it was carried. */
  readonly screen: string | null
  readonly startsAt: string
  readonly ticketType: string
  readonly policy: OversellingPolicy
  readonly priceCents: number
  readonly drawingAt: string | null
  readonly capacity: number
  readonly seatsLeft: number
}

const orderColumns = `order_id as "orderId", showtime_id as "showtimeId", tickets, email, status, outcome,
  created_at as "createdAt", decided_at as "decidedAt", accepted_at_edge as "acceptedAtEdge"`

interface Received {
  readonly orderId: string
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
  readonly clientSession: string | null
  /** The account logged in when it was placed, if any. */
  readonly accountId?: string
  /** The outcome the customer was told, when an optimistic showtime's web node accepted the order at the edge. */
  readonly acceptedAtEdge?: unknown
}

/**
 * Stores orders as received — or, when an optimistic showtime's web node accepted one at the edge, as accepted with
 * the outcome the customer was told — in one statement. For each order, false when its id exists already (the same
 * order submitted twice, before or in this very group: the first of them is the one stored).
 */
const receiveOrders = together(async (sql: Sql, orders: readonly Received[]) => {
  const { rows } = await sql.query<{ orderId: string }>(
    `insert into ordering.orders (order_id, showtime_id, tickets, email, client_session, status, outcome, accepted_at_edge, account_id)
     select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::boolean[], $9::uuid[])
     on conflict (order_id) do nothing returning order_id::text as "orderId"`,
    [orders.map((o) => o.orderId), orders.map((o) => o.showtimeId), orders.map((o) => o.tickets), orders.map((o) => o.email),
      orders.map((o) => o.clientSession), orders.map((o) => (o.acceptedAtEdge ? 'accepted' : 'received')),
      orders.map((o) => (o.acceptedAtEdge ? JSON.stringify(o.acceptedAtEdge) : null)), orders.map((o) => o.acceptedAtEdge !== undefined),
      orders.map((o) => o.accountId ?? null)],
  )
  const stored = new Set(rows.map((row) => row.orderId))
  return orders.map((order) => stored.delete(order.orderId))
})

/**
 * Stores an order as received (or accepted at the edge, with `acceptedAtEdge.outcome`); false when that order id
 * exists already. Orders received together in one transaction share one statement.
 */
export const receiveOrder = (
  sql: Sql,
  order: { orderId: string; showtimeId: string; tickets: number; email: string; clientSession: string | null; accountId?: string },
  acceptedAtEdge?: { readonly outcome: unknown },
): Promise<boolean> => receiveOrders(sql, { ...order, ...(acceptedAtEdge && { acceptedAtEdge: acceptedAtEdge.outcome }) })

type OrderOfSession = Order & { clientSession: string | null; accountId: string | null }
const orderOfSessionColumns = `${orderColumns}, client_session as "clientSession", account_id as "accountId"`

export const orderById = async (sql: Sql, orderId: string): Promise<OrderOfSession | undefined> =>
  (await sql.query<OrderOfSession>(`select ${orderOfSessionColumns} from ordering.orders where order_id = $1`, [orderId])).rows[0]

/** Orders looked up outside a transaction within `gatherMs` of each other, read by one query (a burst's resubmits). */
export const sharedOrderById = gatheredLookup((orderId: string) => orderId.toLowerCase(), async (db, orderIds: readonly string[]) => {
  const { rows } = await db.query<OrderOfSession>(`select ${orderOfSessionColumns} from ordering.orders where order_id = any($1::uuid[])`, [orderIds])
  return new Map(rows.map((order) => [order.orderId, order]))
})

/** The orders of one browser session, for a client that reconnects and asks what it missed. */
export const ordersOfSession = async (sql: Sql, clientSession: string, orderIds: readonly string[]): Promise<Order[]> =>
  (await sql.query<Order>(`select ${orderColumns} from ordering.orders where client_session = $1 and order_id = any($2::uuid[])`, [clientSession, orderIds])).rows

/** An account's orders with their showings, newest first, and the ones this browser session placed that no account has yet. */
export const ordersOfAccount = async (sql: Sql, who: { accountId?: string; browserSession: string }, limit = 100) =>
  (await sql.query<Order & { movieTitle: string | null; theaterName: string | null; startsAt: string | null; attached: boolean }>(
    `select o.order_id as "orderId", o.showtime_id as "showtimeId", o.tickets, o.email, o.status, o.outcome, o.created_at as "createdAt",
       o.decided_at as "decidedAt", o.accepted_at_edge as "acceptedAtEdge", s.movie_title as "movieTitle", s.theater_name as "theaterName", s.starts_at as "startsAt",
       o.account_id is not null as attached
     from ordering.orders o left join ordering.showtimes s on s.showtime_id = o.showtime_id
     where ($1::uuid is not null and o.account_id = $1) or (o.client_session = $2 and o.account_id is null)
     order by o.created_at desc limit $3`, [who.accountId ?? null, who.browserSession, limit])).rows

/** The orders a browser session placed that no account has yet become the account's (it logged in there). */
export const attachOrdersOfSession = (sql: Sql, browserSession: string, accountId: string) =>
  sql.query('update ordering.orders set account_id = $1 where client_session = $2 and account_id is null', [accountId, browserSession])

export const recordOutcome = (sql: Sql, orderId: string, status: OrderStatus, outcome: unknown, at: Date) =>
  sql.query(`update ordering.orders set status = $2, outcome = $3, decided_at = $4 where order_id = $1`, [orderId, status, JSON.stringify(outcome), at])

/**
 * Another showing of the same movie with room for `tickets`, starting after `after`: what a customer whose order had
 * to be cancelled is offered. Seats left as last decided — an offer, not a reservation.
 */
export const alternativeTo = async (sql: Sql, showtime: { showtimeId: string; movieTitle: string }, tickets: number, after: Date) =>
  (await sql.query<{ showtimeId: string; movieTitle: string; theaterName: string; startsAt: Date; seatsLeft: number }>(
    `select showtime_id as "showtimeId", movie_title as "movieTitle", theater_name as "theaterName", starts_at as "startsAt", seats_left as "seatsLeft"
     from ordering.showtimes
     where movie_title = $1 and showtime_id <> $2 and ticket_type <> 'drawing' and seats_left >= $3 and starts_at > $4
     order by starts_at, showtime_id limit 1`, [showtime.movieTitle, showtime.showtimeId, tickets, after])).rows[0]

export const showtimeById = async (sql: Sql, showtimeId: string): Promise<ShowtimeRow | undefined> =>
  (await sql.query<ShowtimeRow>(
    `select showtime_id as "showtimeId", movie_title as "movieTitle", theater_name as "theaterName", screen, starts_at as "startsAt",
            ticket_type as "ticketType", policy, price_cents as "priceCents", drawing_at as "drawingAt", capacity, seats_left as "seatsLeft"
     from ordering.showtimes where showtime_id = $1`, [showtimeId])).rows[0]

/** Keeps the web's view of a showtime in step with its stream; written only by the showtime's writer. */
export const saveShowtimeView = async (sql: Sql, loaded: LoadedShowtime) => {
  if (loaded.state.status !== 'open') return
  const { showtime, capacity, seatsLeft } = loaded.state
  await sql.query(
    `insert into ordering.showtimes (showtime_id, movie_title, theater_name, starts_at, ticket_type, policy, price_cents, drawing_at, capacity, seats_left, version, screen)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict (showtime_id) do update set capacity = excluded.capacity, seats_left = excluded.seats_left, version = excluded.version,
       screen = coalesce(excluded.screen, ordering.showtimes.screen)`,
    [showtime.showtimeId, showtime.movieTitle, showtime.theaterName, showtime.startsAt, showtime.ticketType, showtime.policy, showtime.priceCents, showtime.drawingAt, capacity, seatsLeft, loaded.version, showtime.screen ?? null],
  )
}

/** Of these showtimes, those whose seats are all taken as their writers last decided (a drawing's never are). */
export const soldOutShowtimes = async (sql: Sql, showtimeIds: readonly string[]): Promise<ReadonlySet<string>> =>
  new Set((await sql.query<{ showtimeId: string }>(
    `select showtime_id as "showtimeId" from ordering.showtimes where showtime_id = any($1::text[]) and ticket_type <> 'drawing' and seats_left <= 0`,
    [showtimeIds])).rows.map((row) => row.showtimeId))

/** Seats left in these showtimes as their writers last decided (drawings left out: their entries take none). */
export const seatsLeftIn = async (sql: Sql, showtimeIds: readonly string[]): Promise<ReadonlyMap<string, number>> =>
  new Map((await sql.query<{ showtimeId: string; seatsLeft: number }>(
    `select showtime_id as "showtimeId", seats_left as "seatsLeft" from ordering.showtimes where showtime_id = any($1::text[]) and ticket_type <> 'drawing'`,
    [showtimeIds])).rows.map((row) => [row.showtimeId, Math.max(0, row.seatsLeft)]))

/** The orders of a batch that ordering has seen before, and whether (and how) each was decided. */
export const ordersByIds = async (sql: Sql, orderIds: readonly string[]) =>
  new Map((await sql.query<{ orderId: string; decidedAt: string | null; outcome: Record<string, unknown> | null }>(
    `select order_id::text as "orderId", decided_at as "decidedAt", outcome from ordering.orders where order_id = any($1::uuid[])`,
    [orderIds])).rows.map((row) => [row.orderId, row]))

export interface DecidedOrder {
  readonly orderId: string
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
  readonly clientSession: string | null
  readonly status: OrderStatus
  readonly outcome: unknown
}

/**
 * Stores a batch's outcomes in one statement: an order received at the edge gets its outcome, one never received
 * (sent straight to ordering) is stored decided. An order decided before keeps its first outcome.
 */
export const recordOutcomes = async (sql: Sql, orders: readonly DecidedOrder[], at: Date) => {
  if (orders.length === 0) return
  await sql.query(
    `insert into ordering.orders (order_id, showtime_id, tickets, email, client_session, status, outcome, decided_at)
     select o."orderId", o."showtimeId", o.tickets, o.email, o."clientSession", o.status, o.outcome, $2
     from json_to_recordset($1::json) as o("orderId" uuid, "showtimeId" text, tickets int, email text, "clientSession" text, status text, outcome jsonb)
     on conflict (order_id) do update set status = excluded.status, outcome = excluded.outcome, decided_at = excluded.decided_at
     where ordering.orders.decided_at is null`,
    [JSON.stringify(orders.map((o) => ({ orderId: o.orderId, showtimeId: o.showtimeId, tickets: o.tickets, email: o.email, clientSession: o.clientSession, status: o.status, outcome: o.outcome }))), at],
  )
}

/** How many orders are in each status, for the metrics (`received` ones are not decided yet). */
export const ordersByStatus = async (sql: Sql) =>
  (await sql.query<{ status: string; n: number }>('select status, count(*)::int as n from ordering.orders group by status')).rows.map(({ status, n }) => ({ labels: { status }, value: n }))
