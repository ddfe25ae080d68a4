import { handleBatch, type BatchItem } from '../../../messaging/handler.ts'
import type { DataOf } from '../../../messaging/message.ts'
import { addHeldTickets, heldTickets, holderKeys } from '../buyers.ts'
import { OrderOutcome, SubmitOrder } from '../messages.ts'
import { ordersByIds, recordOutcomes, saveShowtimeView, type DecidedOrder } from '../orders.ts'
import { appendBatch, createSeatCache, type Appended, type LoadedShowtime } from '../seat-stream.ts'
import { decide, evolve, type SeatEvent, type ShowtimeInfo } from '../showtime.decider.ts'
import { announce, offerFor, outcomeOf, type Outcome } from './decisions.ts'

type Order = DataOf<typeof SubmitOrder>

/** The showtimes this process's writers decide, between batches (checked against the stream every batch). */
const seats = createSeatCache()

interface Stream {
  readonly from: LoadedShowtime
  current: LoadedShowtime
  readonly events: { event: SeatEvent; causedBy: string }[]
}

/**
 * Decides a batch of orders on their showtimes' single writer, in arrival order, with the pure decider against
 * state kept in memory: one read of the orders, one check of the streams, one append of every event, one write of
 * every outcome, the showtime's view once, the buyers' holdings once (each order is checked against its showing's
 * per-buyer cap with all that its buyer holds) — running while each order is answered and announced as itself. An order
 * decided before (sent twice, in this batch or an earlier one) is answered as it was. The stream's expected version
 * catches the impossible second writer: the batch rolls back, and the pipeline splits and retries it.
 */
export const submitOrder = handleBatch(SubmitOrder, async (items: readonly BatchItem<Order>[]) => {
  const { tx, now } = items[0]!.context
  const buyers = items.map(({ data, context }) => holderKeys(data.showtimeId, data.email, context.headers.originClient))
  // The reads go out at once: the database answers the next while the first one's rows come back.
  const [known, loaded, held] = await Promise.all([
    ordersByIds(tx, items.map(({ data }) => data.orderId)),
    seats.load(tx, [...new Set(items.map(({ data }) => data.showtimeId))]),
    heldTickets(tx, buyers.flat()),
  ])
  const added = new Map<string, number>()
  const streams = new Map([...loaded].map(([id, from]) => [id, { from, current: from, events: [] } as Stream]))
  const answered = new Map<string, Outcome>()
  const decided: (DecidedOrder & { readonly item: BatchItem<Order>; readonly decision: SeatEvent; readonly outcome: Outcome; readonly showtime: ShowtimeInfo })[] = []
  const offers = new Map<string, ReturnType<typeof offerFor>>()

  for (const [i, item] of items.entries()) {
    const { data: order, context } = item
    const keys = buyers[i]!
    const before = known.get(order.orderId)
    const outcomeBefore = before?.decidedAt ? (before.outcome as Outcome | null) : answered.get(order.orderId)
    if (before?.decidedAt || outcomeBefore) {
      if (context.headers.replyTo && outcomeBefore) context.reply(OrderOutcome, outcomeBefore)
      continue
    }
    const stream = streams.get(order.showtimeId)!
    const events = decide({
      type: 'ReserveSeats',
      data: {
        orderId: order.orderId, seats: order.tickets, at: now.toISOString(), ...(order.acceptedAtEdge && { acceptedAtEdge: true }),
        heldByBuyer: Math.max(...keys.map((key) => held.get(key) ?? 0)),
      },
    }, stream.current.state)
    if (events[0]?.type === 'SeatsReserved') {
      for (const key of keys) {
        held.set(key, (held.get(key) ?? 0) + order.tickets)
        added.set(key, (added.get(key) ?? 0) + order.tickets)
      }
    }
    for (const event of events) stream.events.push({ event, causedBy: context.headers.messageId })
    stream.current = { state: events.reduce(evolve, stream.current.state), version: stream.current.version + events.length }
    if (stream.current.state.status !== 'open') throw new Error(`showtime ${order.showtimeId} decided an order without being open`)
    const { showtime } = stream.current.state
    const offer = (tickets: number) => {
      const key = `${showtime.showtimeId}/${tickets}`
      if (!offers.has(key)) offers.set(key, offerFor(tx, showtime, tickets, now))
      return offers.get(key)!
    }
    const { status, outcome } = await outcomeOf(events[0]!, showtime, offer)
    answered.set(order.orderId, outcome)
    decided.push({ ...order, clientSession: context.headers.originClient ?? null, status, outcome, item, decision: events[0]!, showtime })
  }

  // The writes run while the answers are made; the transaction commits only once they succeeded.
  const { alongside } = items[0]!.context
  const appended: Appended[] = [...streams].filter(([, s]) => s.events.length).map(([showtimeId, s]) => ({ showtimeId, from: s.from, events: s.events }))
  alongside(appendBatch(tx, appended, now))
  alongside(recordOutcomes(tx, decided, now))
  alongside(addHeldTickets(tx, added))
  for (const { showtimeId, events } of appended) {
    const { current } = streams.get(showtimeId)!
    if (events.some(({ event }) => event.type === 'SeatsReserved')) alongside(saveShowtimeView(tx, current))
    seats.remember(showtimeId, current, events.at(-1)!.causedBy)
  }
  for (const { item: { data: order, context }, decision, outcome, showtime } of decided) {
    if (context.headers.replyTo) context.reply(OrderOutcome, outcome)
    announce(context, decision, outcome, showtime, order.email)
  }
})
