import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { isLoopback } from '../lib/env.ts'
import type { Buyer, Trace } from './crowd.ts'
import { startNodeProcess } from './processes.ts'
import type { Settings } from './settings.ts'
import type { World } from './worlds.ts'

const site = fileURLToPath(new URL('./naive-site.ts', import.meta.url))

export interface Showing { readonly showingId: string; readonly ticketType: string; readonly capacity: number }

/** The naive site as its own process, on the world's database (its own schema, or its own PGlite). */
export const startNaive = async (world: World, settings: Settings, showings: readonly Showing[]) => {
  const process = startNodeProcess('naive site', site, [], {
    HOST: '127.0.0.1',
    PORT: '0',
    NAIVE_DATABASE_URL: world.naiveDatabase,
    NAIVE_SHOWINGS: JSON.stringify(showings),
    NAIVE_POOL_MAX: String(settings.naivePoolMax),
    NAIVE_POOL_WAIT_MS: String(settings.naivePoolWaitMs),
  })
  try {
    const url = await process.served
    if (!isLoopback(url)) throw new Error(`the naive site serves ${url}, not this machine`)
    return { url, pid: process.child.pid, stop: () => process.stop() }
  } catch (error) {
    await process.stop()
    throw error
  }
}

/** Straight from the naive site's database after it stopped: what it sold, and whether "failed" orders were taken. */
export const inspectNaiveDatabase = async (database: string, hot: string, buyers: readonly Buyer[], traces: readonly Trace[]) => {
  const db = await openDatabase(database)
  try {
    const rows = async <Row>(text: string, params: unknown[] = []) => (await db.query<Row>(text, params)).rows
    const byOutcome = await rows<{ outcome: string; orders: number; tickets: number }>(
      'select outcome, count(*)::int as orders, coalesce(sum(tickets), 0)::int as tickets from naive.orders where showing_id = $1 group by outcome order by outcome', [hot])
    const showing = (await rows<{ capacity: number; seatsLeft: number }>('select capacity, seats_left as "seatsLeft" from naive.showings where showing_id = $1', [hot]))[0]!
    const failedIds = buyers.filter((_, i) => traces[i]!.error !== undefined).map((b) => b.orderId)
    const takenAnyway = (await rows<{ n: number }>('select count(*)::int as n from naive.orders where order_id = any($1::uuid[])', [failedIds]))[0]!.n
    const acceptedTickets = byOutcome.find((o) => o.outcome === 'accepted')?.tickets ?? 0
    return {
      hotOrdersByOutcome: Object.fromEntries(byOutcome.map((o) => [o.outcome, { orders: o.orders, tickets: o.tickets }])),
      capacity: showing.capacity,
      acceptedTickets,
      oversoldByOrders: Math.max(0, acceptedTickets - showing.capacity),
      seatsLeft: showing.seatsLeft,
      /** The buyer saw an error (a timeout, a 503), yet the order was committed: told "failed", charged anyway. */
      erroredButTaken: takenAnyway,
    }
  } finally {
    await db.close()
  }
}
