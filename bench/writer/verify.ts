import type { Query } from '../flash-sale/naive-store.ts'

export interface Expected {
  readonly showtimeId: string
  readonly orders: number
  readonly tickets: number
  readonly capacity: number
}

/** What the database says after a run, and every way it differs from "each order decided exactly once". */
export interface Verdict {
  readonly verified: boolean
  readonly problems: readonly string[]
  readonly found: Record<string, unknown>
}

const one = async <Row>(query: Query, text: string, params: unknown[]) => (await query<Row>(text, params)).rows[0]!

/**
 * Popcorn's writer decided every order once: each stored order accepted, one SeatsReserved per order and no other
 * decision, the seats left as the capacity minus the tickets (in the stream and in the web's view), and nothing in
 * the error queue.
 */
export const verifyPopcorn = async (query: Query, expected: Expected): Promise<Verdict> => {
  const id = [expected.showtimeId]
  const byStatus = (await query<{ status: string; orders: number; tickets: number }>(
    'select status, count(*)::int as orders, coalesce(sum(tickets), 0)::int as tickets from ordering.orders where showtime_id = $1 group by status order by status', id)).rows
  const events = (await query<{ type: string; n: number; orders: number }>(
    `select type, count(*)::int as n, count(distinct data->>'orderId')::int as orders from ordering.seat_events where showtime_id = $1 group by type order by type`, id)).rows
  // A set difference, not a correlated `not exists`: on tables filled seconds ago the planner has no statistics and
  // chose a nested loop over 20,000 × 20,000 rows, which took longer than the run it checked.
  const unreserved = await one<{ n: number }>(query,
    `select count(*)::int as n from (
       select order_id::text from ordering.orders where showtime_id = $1
       except
       select data->>'orderId' from ordering.seat_events where showtime_id = $1 and type = 'SeatsReserved') as missing`, id)
  const stream = await one<{ seatsLeft: number | null }>(query, 'select sum(delta)::int as "seatsLeft" from ordering.seat_events where showtime_id = $1', id)
  const view = (await query<{ capacity: number; seatsLeft: number }>('select capacity, seats_left as "seatsLeft" from ordering.showtimes where showtime_id = $1', id)).rows[0]
  const failed = await one<{ n: number }>(query, 'select count(*)::int as n from messaging.failed_messages', [])

  const accepted = byStatus.find((s) => s.status === 'accepted')
  const reserved = events.find((e) => e.type === 'SeatsReserved')
  const others = events.filter((e) => e.type !== 'SeatsReserved' && e.type !== 'ShowtimeOpened')
  const seatsLeft = expected.capacity - expected.tickets
  const problems = [
    ...(accepted?.orders === expected.orders ? [] : [`${accepted?.orders ?? 0} orders accepted, not ${expected.orders}`]),
    ...byStatus.filter((s) => s.status !== 'accepted').map((s) => `${s.orders} orders ${s.status}`),
    ...(reserved?.n === expected.orders ? [] : [`${reserved?.n ?? 0} SeatsReserved events, not ${expected.orders}`]),
    ...(reserved && reserved.orders !== reserved.n ? [`SeatsReserved for ${reserved.orders} distinct orders in ${reserved.n} events`] : []),
    ...others.map((e) => `${e.n} ${e.type} events`),
    ...(unreserved.n ? [`${unreserved.n} stored orders without SeatsReserved`] : []),
    ...(stream.seatsLeft === seatsLeft ? [] : [`the stream leaves ${stream.seatsLeft} seats, not ${seatsLeft}`]),
    ...(view?.seatsLeft === seatsLeft ? [] : [`ordering.showtimes says ${view?.seatsLeft} seats left, not ${seatsLeft}`]),
    ...(failed.n ? [`${failed.n} messages in the error queue`] : []),
  ]
  return {
    verified: problems.length === 0,
    problems,
    found: {
      ordersByStatus: Object.fromEntries(byStatus.map((s) => [s.status, { orders: s.orders, tickets: s.tickets }])),
      seatEvents: Object.fromEntries(events.map((e) => [e.type, e.n])),
      capacity: view?.capacity,
      seatsLeft: view?.seatsLeft,
      seatsLeftByStream: stream.seatsLeft,
      errorQueue: failed.n,
    },
  }
}

/** The naive decision stored every order once, accepted, and took exactly their tickets. */
export const verifyNaive = async (query: Query, expected: Expected): Promise<Verdict> => {
  const byOutcome = (await query<{ outcome: string; orders: number; tickets: number }>(
    'select outcome, count(*)::int as orders, coalesce(sum(tickets), 0)::int as tickets from naive.orders where showing_id = $1 group by outcome order by outcome', [expected.showtimeId])).rows
  const showing = await one<{ seatsLeft: number }>(query, 'select seats_left as "seatsLeft" from naive.showings where showing_id = $1', [expected.showtimeId])
  const accepted = byOutcome.find((o) => o.outcome === 'accepted')
  const seatsLeft = expected.capacity - expected.tickets
  const problems = [
    ...(accepted?.orders === expected.orders ? [] : [`${accepted?.orders ?? 0} orders accepted, not ${expected.orders}`]),
    ...byOutcome.filter((o) => o.outcome !== 'accepted').map((o) => `${o.orders} orders ${o.outcome}`),
    ...(showing.seatsLeft === seatsLeft ? [] : [`${showing.seatsLeft} seats left, not ${seatsLeft}`]),
  ]
  return {
    verified: problems.length === 0,
    problems,
    found: { ordersByOutcome: Object.fromEntries(byOutcome.map((o) => [o.outcome, { orders: o.orders, tickets: o.tickets }])), seatsLeft: showing.seatsLeft },
  }
}
