import { randomUUID } from 'node:crypto'

export interface BenchOrder {
  readonly orderId: string
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
}

/** Orders of 1 to 4 tickets in turn, each with a fresh id, for one showing. */
export const planOrders = (count: number, showtimeId: string): BenchOrder[] =>
  Array.from({ length: count }, (_, i) => ({ orderId: randomUUID(), showtimeId, tickets: (i % 4) + 1, email: `buyer-${i}@example.com` }))

export const ticketsOf = (orders: readonly BenchOrder[]) => orders.reduce((sum, order) => sum + order.tickets, 0)

/**
 * The showing both systems sell: far more seats than the load, so that every order reserves seats. The bench's orders
 * all come through one browser session (a web node's stand-in), so its per-buyer cap is its capacity: the writer still
 * reads and adds every order's holdings (each order's address is its own), and no order is refused for the cap.
 */
export const benchShowing = (capacity: number) => ({
  showtimeId: 'bench-writer-1',
  movieTitle: 'Bench: the writer',
  theaterName: 'Loopback',
  startsAt: new Date(Date.now() + 30 * 24 * 3_600_000).toISOString(),
  ticketType: 'regular' as const,
  policy: 'strict' as const,
  priceCents: 1_250,
  drawingAt: null,
  capacity,
  ticketsPerBuyer: Math.min(capacity, 1_000_000),
})
