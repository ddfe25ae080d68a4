import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decide, evolve, initialState, seatDelta, type SeatCommand, type SeatEvent, type ShowtimeInfo } from './showtime.decider.ts'

/** given(events).when(command).then(events) — or .thenThrows(code). */
const given = (events: SeatEvent[]) => ({
  when: (command: SeatCommand) => {
    const run = () => decide(command, events.reduce(evolve, initialState()))
    return {
      then: (expected: SeatEvent[]) => assert.deepEqual(run(), expected),
      thenThrows: (code: string) => assert.throws(run, { code }),
    }
  },
})

const dune: ShowtimeInfo = {
  showtimeId: 'dune-breda-1', movieTitle: 'Dune', theaterName: 'Breda', startsAt: '2026-12-01T19:30:00.000Z',
  ticketType: 'regular', policy: 'strict', priceCents: 1250, drawingAt: null,
}
const opened = (capacity: number, info: ShowtimeInfo = dune): SeatEvent => ({ type: 'ShowtimeOpened', data: { ...info, capacity } })
const reserved = (orderId: string, seats: number, priceCents = 1250): SeatEvent => ({ type: 'SeatsReserved', data: { orderId, seats, totalCents: seats * priceCents } })
const now = '2026-11-23T09:00:00.000Z'
const reserve = (orderId: string, seats: number, options: { at?: string; acceptedAtEdge?: boolean; heldByBuyer?: number } = {}): SeatCommand =>
  ({ type: 'ReserveSeats', data: { orderId, seats, at: options.at ?? now, ...(options.acceptedAtEdge && { acceptedAtEdge: true }), ...(options.heldByBuyer !== undefined && { heldByBuyer: options.heldByBuyer }) } })
const claim = (orderId: string, seats: number): SeatCommand => ({ type: 'ClaimDrawnSeats', data: { orderId, seats } })
const topGun: ShowtimeInfo = { ...dune, showtimeId: 'top-gun-1', movieTitle: 'Top Gun: Maverick', policy: 'optimistic' }
const got: ShowtimeInfo = { ...dune, showtimeId: 'got-1', ticketType: 'drawing', priceCents: 0, drawingAt: '2026-11-28T12:00:00.000Z' }

describe('a showtime\'s seats', () => {
  test('opening a showtime gives it its capacity', () =>
    given([]).when({ type: 'OpenShowtime', data: { ...dune, capacity: 250 } }).then([opened(250)]))

  test('opening it again changes nothing', () =>
    given([opened(250)]).when({ type: 'OpenShowtime', data: { ...dune, capacity: 999 } }).then([]))

  test('seats are reserved while there are enough, at the showtime\'s price', () =>
    given([opened(10), reserved('o1', 4)]).when(reserve('o2', 4)).then([reserved('o2', 4)]))

  test('the exact last seats can be had', () =>
    given([opened(10), reserved('o1', 6)]).when(reserve('o2', 4)).then([reserved('o2', 4)]))

  test('sold out: more than is left is refused, saying how many are left', () =>
    given([opened(10), reserved('o1', 8)]).when(reserve('o2', 3)).then([
      { type: 'ReservationRefused', data: { orderId: 'o2', seats: 3, seatsLeft: 2 } },
    ]))

  test('a sold-out showtime refuses even one seat', () =>
    given([opened(2), reserved('o1', 2)]).when(reserve('o2', 1)).then([
      { type: 'ReservationRefused', data: { orderId: 'o2', seats: 1, seatsLeft: 0 } },
    ]))

  test('capacity added makes room again', () =>
    given([opened(2), reserved('o1', 2), { type: 'CapacityAdded', data: { seats: 50 } }]).when(reserve('o2', 5)).then([reserved('o2', 5)]))

  test('a drawing showtime enters the order in the drawing and takes no seats yet', () =>
    given([opened(100, got)]).when(reserve('o1', 2)).then([
      { type: 'DrawingEntryAccepted', data: { orderId: 'o1', seats: 2, drawingAt: '2026-11-28T12:00:00.000Z' } },
    ]))

  test('a drawing takes no entries from its drawing date on', () =>
    given([opened(100, got)]).when(reserve('o1', 2, { at: '2026-11-28T12:00:00.000Z' })).then([
      { type: 'DrawingEntryRefused', data: { orderId: 'o1', seats: 2, reason: 'closed' } },
    ]))

  test('a drawn entry gets its seats, free', () =>
    given([opened(100, got), { type: 'DrawingEntryAccepted', data: { orderId: 'o1', seats: 2, drawingAt: got.drawingAt! } }])
      .when(claim('o1', 2)).then([{ type: 'SeatsReserved', data: { orderId: 'o1', seats: 2, totalCents: 0 } }]))

  test('a drawn entry never takes more seats than are left', () =>
    given([opened(3, got), reserved('o1', 2, 0)]).when(claim('o2', 2)).then([
      { type: 'ReservationRefused', data: { orderId: 'o2', seats: 2, seatsLeft: 1 } },
    ]))

  test('only a drawing\'s seats are drawn', () => given([opened(10)]).when(claim('o1', 1)).thenThrows('NOT_A_DRAWING'))

  test('optimistic: an order accepted at the edge gets its seats while there are enough', () =>
    given([opened(10, topGun)]).when(reserve('o1', 4, { acceptedAtEdge: true })).then([reserved('o1', 4)]))

  test('optimistic: an order accepted at the edge that finds the seats gone is cancelled, for a full refund', () =>
    given([opened(10, topGun), reserved('o1', 8)]).when(reserve('o2', 3, { acceptedAtEdge: true })).then([
      { type: 'OversoldOrderCancelled', data: { orderId: 'o2', seats: 3, seatsLeft: 2, refundCents: 3750 } },
    ]))

  test('optimistic: an order the edge did not accept is simply refused when sold out', () =>
    given([opened(10, topGun), reserved('o1', 8)]).when(reserve('o2', 3)).then([
      { type: 'ReservationRefused', data: { orderId: 'o2', seats: 3, seatsLeft: 2 } },
    ]))

  test('strict: an "accepted at the edge" claim changes nothing, the seats decide', () =>
    given([opened(10), reserved('o1', 8)]).when(reserve('o2', 3, { acceptedAtEdge: true })).then([
      { type: 'ReservationRefused', data: { orderId: 'o2', seats: 3, seatsLeft: 2 } },
    ]))

  test('a buyer may hold up to the showing\'s cap, over several orders', () =>
    given([opened(100, { ...dune, ticketsPerBuyer: 6 })]).when(reserve('o2', 2, { heldByBuyer: 4 })).then([reserved('o2', 2)]))

  test('an order that takes its buyer past the cap is refused, though seats are left', () =>
    given([opened(100, { ...dune, ticketsPerBuyer: 6 })]).when(reserve('o2', 3, { heldByBuyer: 4 })).then([
      { type: 'BuyerLimitReached', data: { orderId: 'o2', seats: 3, held: 4, limit: 6 } },
    ]))

  test('a showing that names no cap allows one full order per buyer', () => {
    given([opened(100)]).when(reserve('o1', 10)).then([reserved('o1', 10)])
    given([opened(100)]).when(reserve('o2', 1, { heldByBuyer: 10 })).then([
      { type: 'BuyerLimitReached', data: { orderId: 'o2', seats: 1, held: 10, limit: 10 } },
    ])
  })

  test('the cap is said before sold out: it is the buyer\'s own to change', () =>
    given([opened(5), reserved('o1', 5)]).when(reserve('o2', 8, { heldByBuyer: 4 })).then([
      { type: 'BuyerLimitReached', data: { orderId: 'o2', seats: 8, held: 4, limit: 10 } },
    ]))

  test('optimistic: an order accepted at the edge past its buyer\'s cap is cancelled, for a full refund', () =>
    given([opened(100, topGun)]).when(reserve('o2', 4, { heldByBuyer: 8, acceptedAtEdge: true })).then([
      { type: 'OverLimitOrderCancelled', data: { orderId: 'o2', seats: 4, held: 8, limit: 10, refundCents: 5000 } },
    ]))

  test('a drawing\'s entries are not capped here: the drawing takes one entry per person', () =>
    given([opened(100, got)]).when(reserve('o1', 2, { heldByBuyer: 10 })).then([
      { type: 'DrawingEntryAccepted', data: { orderId: 'o1', seats: 2, drawingAt: '2026-11-28T12:00:00.000Z' } },
    ]))

  test('a showtime that was never opened cannot take orders or capacity', () => {
    given([]).when(reserve('o1', 1)).thenThrows('UNKNOWN_SHOWTIME')
    given([]).when({ type: 'AddCapacity', data: { seats: 5 } }).thenThrows('UNKNOWN_SHOWTIME')
  })

  test('seats are positive whole numbers', () => {
    given([opened(10)]).when(reserve('o1', 0)).thenThrows('INVALID_SEATS')
    given([opened(10)]).when(reserve('o1', -2)).thenThrows('INVALID_SEATS')
    given([opened(10)]).when({ type: 'AddCapacity', data: { seats: 1.5 } }).thenThrows('INVALID_SEATS')
  })

  test('the stream\'s deltas add up to the seats left', () => {
    const events = [opened(250), reserved('o1', 4), { type: 'CapacityAdded', data: { seats: 50 } } as SeatEvent, reserved('o2', 6)]
    const state = events.reduce(evolve, initialState())
    assert.equal(events.map(seatDelta).reduce((a, b) => a + b, 0), 290)
    assert.deepEqual(state.status === 'open' && [state.capacity, state.seatsLeft], [300, 290])
  })
})
