import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { orderingWeb, orderingSocket } from './api.ts'
import { AddCapacity, OpenShowtime } from './commands.ts'
import { createEdgeEstimate } from './edge-estimate.ts'
import { orderingEndpoint } from './endpoint.ts'
import { pushOrderOutcome } from './handlers/order-outcome.web-handler.ts'
import { orderingMessages } from './messages.ts'
import { ordersByStatus, seatsLeftIn, soldOutShowtimes } from './orders.ts'
import { orderingBooks, seatStreamBook } from './books.ts'
import { EntryNotDrawn } from '../drawing/messages.ts'
import { SignedIn } from '../accounts/messages.ts'
import { CapacityAdded } from '../catalog/messages.ts'

export const ordering: ContextModule = {
  name: 'ordering',
  // EntryNotDrawn is the drawing's, SignedIn accounts', CapacityAdded the catalog's; listed so that ordering's endpoint can run in a process without them.
  messages: [...orderingMessages, OpenShowtime, AddCapacity, EntryNotDrawn, SignedIn, CapacityAdded],
  migrations: { owner: 'ordering', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: orderingEndpoint,
  // What the web's view of the showtimes shows sold out: the waiting room stops queuing for those.
  availability: ({ db }) => ({ soldOut: (showtimeIds) => soldOutShowtimes(db, showtimeIds), seatsLeft: (showtimeIds) => seatsLeftIn(db, showtimeIds) }),
  // One edge estimate per web node: its routes and sockets promise seats on it, the replies that come back to it settle.
  readings: async (db) => [{ name: 'popcorn_orders', help: 'Orders by status: received (not decided yet), accepted, sold-out, entered-drawing', samples: await ordersByStatus(db) }],
  books: { perShowing: orderingBooks, ofShowing: seatStreamBook },
  perWebNode: () => {
    const estimate = createEdgeEstimate()
    return { web: orderingWeb(estimate), socket: orderingSocket(estimate), webHandlers: ({ realtime }) => [pushOrderOutcome(realtime, estimate)] }
  },
}
