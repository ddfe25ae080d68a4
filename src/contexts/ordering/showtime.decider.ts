/**
 * A showtime's seat inventory, event-sourced: every change is an event with a seat delta
 * (`ShowtimeOpened +250`, `SeatsReserved -4`, `CapacityAdded +50`), and the state is rebuilt from them.
 * One writer per showtime decides (see ordering's endpoint), so `decide` sees the latest state.
 */

export type TicketType = 'regular' | 'drawing' | 'morning'
export type OversellingPolicy = 'strict' | 'optimistic'

export interface ShowtimeInfo {
  readonly showtimeId: string
  readonly movieTitle: string
  readonly theaterName: string
  /** The screen (hall); a showtime opened before it was carried has none. */
  readonly screen?: string
  readonly startsAt: string
  readonly ticketType: TicketType
  readonly policy: OversellingPolicy
  readonly priceCents: number
  readonly drawingAt: string | null
  /** How many tickets one buyer may hold for this showing; a showtime opened before it was carried has the default. */
  readonly ticketsPerBuyer?: number
}

/** The per-buyer cap of a showing that names none: one full order. */
export const defaultTicketsPerBuyer = 10

export type SeatCommand =
  | { readonly type: 'OpenShowtime'; readonly data: ShowtimeInfo & { readonly capacity: number } }
  | { readonly type: 'AddCapacity'; readonly data: { readonly seats: number } }
  | {
    readonly type: 'ReserveSeats'
    readonly data: {
      readonly orderId: string
      readonly seats: number
      /** When the writer decides: a drawing's entries close at its drawing date. */
      readonly at: string
      /** The web node already told the customer "accepted" (optimistic policy): refusing now means compensating. */
      readonly acceptedAtEdge?: boolean
      /** The tickets this order's buyer (by e-mail address or browser session) already holds for the showing. */
      readonly heldByBuyer?: number
    }
  }
  /** A drawing's winning entry becomes seats: the drawing never awards more than capacity, and this never sells more. */
  | { readonly type: 'ClaimDrawnSeats'; readonly data: { readonly orderId: string; readonly seats: number } }

export type SeatEvent =
  | { readonly type: 'ShowtimeOpened'; readonly data: ShowtimeInfo & { readonly capacity: number } }
  | { readonly type: 'CapacityAdded'; readonly data: { readonly seats: number } }
  | { readonly type: 'SeatsReserved'; readonly data: { readonly orderId: string; readonly seats: number; readonly totalCents: number } }
  | { readonly type: 'ReservationRefused'; readonly data: { readonly orderId: string; readonly seats: number; readonly seatsLeft: number } }
  | { readonly type: 'DrawingEntryAccepted'; readonly data: { readonly orderId: string; readonly seats: number; readonly drawingAt: string } }
  | { readonly type: 'DrawingEntryRefused'; readonly data: { readonly orderId: string; readonly seats: number; readonly reason: 'closed' } }
  /** Accepted at the edge on an estimate that was wrong: the order is cancelled and the customer made whole. */
  | { readonly type: 'OversoldOrderCancelled'; readonly data: { readonly orderId: string; readonly seats: number; readonly seatsLeft: number; readonly refundCents: number } }
  /** The order would take its buyer past the showing's cap: refused, whatever seats are left. */
  | { readonly type: 'BuyerLimitReached'; readonly data: BuyerLimit }
  /** Accepted at the edge, then found to take its buyer past the cap (the edge cannot see other nodes' orders). */
  | { readonly type: 'OverLimitOrderCancelled'; readonly data: BuyerLimit & { readonly refundCents: number } }

interface BuyerLimit {
  readonly orderId: string
  readonly seats: number
  /** What the buyer held already, and the showing's cap. */
  readonly held: number
  readonly limit: number
}

export type ShowtimeState =
  | { readonly status: 'unknown' }
  | { readonly status: 'open'; readonly showtime: ShowtimeInfo; readonly capacity: number; readonly seatsLeft: number }

export class SeatDecisionError extends Error {
  constructor(readonly code: 'UNKNOWN_SHOWTIME' | 'INVALID_SEATS' | 'NOT_A_DRAWING', message: string) {
    super(message)
  }
}

export const initialState = (): ShowtimeState => ({ status: 'unknown' })

/** How many seats an event adds (+) or takes (−): the stream's delta column. */
export const seatDelta = (event: SeatEvent): number => {
  switch (event.type) {
    case 'ShowtimeOpened': return event.data.capacity
    case 'CapacityAdded': return event.data.seats
    case 'SeatsReserved': return -event.data.seats
    case 'ReservationRefused':
    case 'DrawingEntryAccepted':
    case 'DrawingEntryRefused':
    case 'OversoldOrderCancelled':
    case 'BuyerLimitReached':
    case 'OverLimitOrderCancelled': return 0
    default: return unreachable(event)
  }
}

const open = (state: ShowtimeState, command: SeatCommand) => {
  if (state.status !== 'open') throw new SeatDecisionError('UNKNOWN_SHOWTIME', `${command.type}: the showtime has not been opened`)
  return state
}

const positive = (seats: number) => {
  if (!Number.isInteger(seats) || seats <= 0) throw new SeatDecisionError('INVALID_SEATS', `seats must be a positive whole number, got ${seats}`)
}

const openShowtime = (command: Extract<SeatCommand, { type: 'OpenShowtime' }>, state: ShowtimeState): SeatEvent[] => {
  if (state.status === 'open') return [] // scheduled twice: the first one stands
  positive(command.data.capacity)
  return [{ type: 'ShowtimeOpened', data: command.data }]
}

const addCapacity = (command: Extract<SeatCommand, { type: 'AddCapacity' }>, state: ShowtimeState): SeatEvent[] => {
  open(state, command)
  positive(command.data.seats)
  return [{ type: 'CapacityAdded', data: { seats: command.data.seats } }]
}

const reserveSeats = (command: Extract<SeatCommand, { type: 'ReserveSeats' }>, state: ShowtimeState): SeatEvent[] => {
  const { showtime, seatsLeft } = open(state, command)
  const { orderId, seats, at, acceptedAtEdge, heldByBuyer = 0 } = command.data
  positive(seats)
  if (showtime.ticketType === 'drawing') {
    // Entries take no seats now: the drawing hands out the seats when it draws.
    const drawingAt = showtime.drawingAt ?? showtime.startsAt
    if (Date.parse(at) >= Date.parse(drawingAt)) return [{ type: 'DrawingEntryRefused', data: { orderId, seats, reason: 'closed' } }]
    return [{ type: 'DrawingEntryAccepted', data: { orderId, seats, drawingAt } }]
  }
  const totalCents = seats * showtime.priceCents
  // The cap comes first: no script, and no buyer with many sessions, takes a showing alone.
  const limit = showtime.ticketsPerBuyer ?? defaultTicketsPerBuyer
  if (heldByBuyer + seats > limit) {
    const over = { orderId, seats, held: heldByBuyer, limit }
    return acceptedAtEdge && showtime.policy === 'optimistic'
      ? [{ type: 'OverLimitOrderCancelled', data: { ...over, refundCents: totalCents } }]
      : [{ type: 'BuyerLimitReached', data: over }]
  }
  if (seats <= seatsLeft) return [{ type: 'SeatsReserved', data: { orderId, seats, totalCents } }]
  // Only an optimistic showtime's web node accepts at the edge; a strict one's "accepted" would be a bug upstream.
  if (acceptedAtEdge && showtime.policy === 'optimistic') {
    return [{ type: 'OversoldOrderCancelled', data: { orderId, seats, seatsLeft, refundCents: totalCents } }]
  }
  return [{ type: 'ReservationRefused', data: { orderId, seats, seatsLeft } }]
}

const claimDrawnSeats = (command: Extract<SeatCommand, { type: 'ClaimDrawnSeats' }>, state: ShowtimeState): SeatEvent[] => {
  const { showtime, seatsLeft } = open(state, command)
  const { orderId, seats } = command.data
  positive(seats)
  if (showtime.ticketType !== 'drawing') throw new SeatDecisionError('NOT_A_DRAWING', `${showtime.showtimeId} is not a drawing: its seats are ordered, not drawn`)
  if (seats > seatsLeft) return [{ type: 'ReservationRefused', data: { orderId, seats, seatsLeft } }]
  return [{ type: 'SeatsReserved', data: { orderId, seats, totalCents: seats * showtime.priceCents } }]
}

export const decide = (command: SeatCommand, state: ShowtimeState): SeatEvent[] => {
  switch (command.type) {
    case 'OpenShowtime': return openShowtime(command, state)
    case 'AddCapacity': return addCapacity(command, state)
    case 'ReserveSeats': return reserveSeats(command, state)
    case 'ClaimDrawnSeats': return claimDrawnSeats(command, state)
    default: return unreachable(command)
  }
}

export const evolve = (state: ShowtimeState, event: SeatEvent): ShowtimeState => {
  switch (event.type) {
    case 'ShowtimeOpened': {
      const { capacity, ...showtime } = event.data
      return { status: 'open', showtime, capacity, seatsLeft: capacity }
    }
    case 'CapacityAdded':
    case 'SeatsReserved':
      return state.status === 'open'
        ? { ...state, capacity: state.capacity + Math.max(0, seatDelta(event)), seatsLeft: state.seatsLeft + seatDelta(event) }
        : state
    case 'ReservationRefused':
    case 'DrawingEntryAccepted':
    case 'DrawingEntryRefused':
    case 'OversoldOrderCancelled':
    case 'BuyerLimitReached':
    case 'OverLimitOrderCancelled':
      return state
    default:
      return unreachable(event)
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`)
}
