import type { Sql } from '../../messaging/sql.ts'
import type { LoadedShowtime } from './seat-stream.ts'

export type OrderStatus = 'received' | 'accepted' | 'sold-out' | 'entered-drawing'

export interface Order {
  readonly orderId: string
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
  readonly status: OrderStatus
  readonly outcome: Record<string, unknown> | null
  readonly createdAt: string
  readonly decidedAt: string | null
}

export interface ShowtimeRow {
  readonly showtimeId: string
  readonly movieTitle: string
  readonly theaterName: string
  readonly startsAt: string
  readonly ticketType: string
  readonly priceCents: number
  readonly drawingAt: string | null
  readonly capacity: number
  readonly seatsLeft: number
}

const orderColumns = `order_id as "orderId", showtime_id as "showtimeId", tickets, email, status, outcome,
  created_at as "createdAt", decided_at as "decidedAt"`

/** Stores an order as received. False when that order id exists already (the same order submitted twice). */
export const receiveOrder = async (sql: Sql, order: { orderId: string; showtimeId: string; tickets: number; email: string; clientSession: string | null }) =>
  (await sql.query(
    `insert into ordering.orders (order_id, showtime_id, tickets, email, client_session) values ($1, $2, $3, $4, $5) on conflict (order_id) do nothing`,
    [order.orderId, order.showtimeId, order.tickets, order.email, order.clientSession],
  )).rowCount === 1

export const orderById = async (sql: Sql, orderId: string): Promise<(Order & { clientSession: string | null }) | undefined> =>
  (await sql.query<Order & { clientSession: string | null }>(`select ${orderColumns}, client_session as "clientSession" from ordering.orders where order_id = $1`, [orderId])).rows[0]

/** The orders of one browser session, for a client that reconnects and asks what it missed. */
export const ordersOfSession = async (sql: Sql, clientSession: string, orderIds: readonly string[]): Promise<Order[]> =>
  (await sql.query<Order>(`select ${orderColumns} from ordering.orders where client_session = $1 and order_id = any($2::uuid[])`, [clientSession, orderIds])).rows

export const recordOutcome = (sql: Sql, orderId: string, status: OrderStatus, outcome: unknown, at: Date) =>
  sql.query(`update ordering.orders set status = $2, outcome = $3, decided_at = $4 where order_id = $1`, [orderId, status, JSON.stringify(outcome), at])

export const showtimeById = async (sql: Sql, showtimeId: string): Promise<ShowtimeRow | undefined> =>
  (await sql.query<ShowtimeRow>(
    `select showtime_id as "showtimeId", movie_title as "movieTitle", theater_name as "theaterName", starts_at as "startsAt",
            ticket_type as "ticketType", price_cents as "priceCents", drawing_at as "drawingAt", capacity, seats_left as "seatsLeft"
     from ordering.showtimes where showtime_id = $1`, [showtimeId])).rows[0]

/** Keeps the web's view of a showtime in step with its stream; written only by the showtime's writer. */
export const saveShowtimeView = async (sql: Sql, loaded: LoadedShowtime) => {
  if (loaded.state.status !== 'open') return
  const { showtime, capacity, seatsLeft } = loaded.state
  await sql.query(
    `insert into ordering.showtimes (showtime_id, movie_title, theater_name, starts_at, ticket_type, policy, price_cents, drawing_at, capacity, seats_left, version)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (showtime_id) do update set capacity = excluded.capacity, seats_left = excluded.seats_left, version = excluded.version`,
    [showtime.showtimeId, showtime.movieTitle, showtime.theaterName, showtime.startsAt, showtime.ticketType, showtime.policy, showtime.priceCents, showtime.drawingAt, capacity, seatsLeft, loaded.version],
  )
}
