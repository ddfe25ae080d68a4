import { defineEndpoint } from '../../messaging/endpoint.ts'
import { seatWriters } from './messages.ts'
import { addCapacity, capacityAdded } from './handlers/capacity-added.handler.ts'
import { claimDrawnSeats } from './handlers/claim-drawn-seats.handler.ts'
import { entryNotDrawn } from './handlers/entry-not-drawn.handler.ts'
import { openShowtime } from './handlers/open-showtime.handler.ts'
import { signedIn } from './handlers/signed-in.handler.ts'
import { showtimeScheduled } from './handlers/showtime-scheduled.handler.ts'
import { submitOrder } from './handlers/submit-order.handler.ts'

export const orderingEndpoint = defineEndpoint({
  name: 'ordering',
  partitions: seatWriters.count,
  handlers: [showtimeScheduled, openShowtime, submitOrder, claimDrawnSeats, entryNotDrawn, signedIn, capacityAdded, addCapacity],
})
