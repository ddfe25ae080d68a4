import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { isLoopback } from '../lib/env.ts'
import type { Buyer, Trace } from './crowd.ts'
import { startNodeProcess, type NodeProcess } from './processes.ts'
import type { World } from './worlds.ts'

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

/**
 * Every buyer of the bench comes from 127.0.0.1, so the waiting room's per-address throttle (meant for a flood from
 * one machine) would refuse the crowd: raised here, and only here. Ignored by a Popcorn without a waiting room.
 */
export const popcornEnv = {
  HOST: '127.0.0.1',
  POPCORN_LOG_LEVEL: 'warn',
  POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '1000000',
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `work` on every item, `limit` at a time. */
export const eachLimit = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!)
  }))
}

export const getJson = async <T>(url: string, timeoutMs = 5_000): Promise<{ status: number; body?: T }> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  return { status: response.status, body: response.ok ? ((await response.json()) as T) : undefined }
}

export interface Seats { readonly capacity: number; readonly seatsLeft: number }

/** Waits until ordering has opened each showtime (the catalog's seed travels through the bus at start). */
const showtimesOpen = async (url: string, showtimeIds: readonly string[], timeoutMs = 120_000) => {
  const until = Date.now() + timeoutMs
  for (const id of showtimeIds) {
    while ((await getJson<Seats>(`${url}/api/showtimes/${id}/seats`).catch(() => ({ status: 0 }))).status !== 200) {
      if (Date.now() > until) throw new Error(`showtime ${id} did not open within ${timeoutMs / 1000} s`)
      await sleep(250)
    }
  }
}

/** Popcorn on the world's shape, as real processes: `popcorn start`, or one `popcorn worker` and one `popcorn web`. */
export const startPopcorn = async (world: World, showtimeIds: readonly string[]) => {
  const processes: NodeProcess[] = []
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop() // the web first: it stops taking orders before the worker goes
  }
  try {
    let url: string
    if (world.shape === 'embedded') {
      const start = startNodeProcess('popcorn start', main, ['start'], { ...popcornEnv, PORT: '0', POPCORN_DATABASE_URL: world.popcornDatabase })
      processes.push(start)
      url = await start.served
    } else {
      const env = { ...popcornEnv, POPCORN_DATABASE_URL: world.popcornDatabase, POPCORN_BROKER_URL: world.broker!.url, POPCORN_BROKER_NAMESPACE: world.broker!.namespace }
      const worker = startNodeProcess('popcorn worker', main, ['worker'], env, /is running/)
      processes.push(worker)
      await worker.ready
      const web = startNodeProcess('popcorn web', main, ['web'], { ...env, PORT: '0' })
      processes.push(web)
      url = await web.served
    }
    if (!isLoopback(url)) throw new Error(`Popcorn serves ${url}, not this machine: the bench sends load nowhere else`)
    await showtimesOpen(url, showtimeIds)
    const pids = Object.fromEntries(processes.map((p) => [p.name, p.child.pid]))
    /** What each process logged at warn and above, start to stop. */
    const problems = () => Object.fromEntries(processes.map((p) => [p.name, p.problems()]))
    return { url, stop, pids, problems }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * After the run, over HTTP: every order that was acknowledged (or whose acknowledgement timed out) as the server
 * has it now. An acknowledged order still "received" (or unknown) at the end is lost for this run.
 */
export const checkOrdersOverHttp = async (url: string, buyers: readonly Buyer[], traces: readonly Trace[]) => {
  const asked = buyers.flatMap((buyer, i) => (traces[i]!.acknowledged || traces[i]!.error === 'ACK_TIMEOUT' ? [{ buyer, trace: traces[i]! }] : []))
  await eachLimit(asked, 16, async ({ buyer, trace }) => {
    const found = await getJson<{ status: string }>(`${url}/api/orders/${buyer.orderId}`).catch(() => ({ status: 0, body: undefined }))
    trace.server = found.body?.status ?? (found.status === 404 ? 'unknown' : `unanswered (${found.status || 'no reply'})`)
  })
  const decided = (t: Trace) => t.server !== undefined && t.server !== 'received' && t.server !== 'unknown' && !t.server.startsWith('unanswered')
  const acked = asked.filter(({ trace }) => trace.acknowledged).map(({ trace }) => trace)
  return {
    checked: asked.length,
    serverStatuses: asked.reduce<Record<string, number>>((counts, { trace }) => ({ ...counts, [trace.server!]: (counts[trace.server!] ?? 0) + 1 }), {}),
    /** Acknowledged, nothing pushed by the end, and not decided on the server either. */
    lost: acked.filter((t) => t.resultAt === undefined && !decided(t)).length,
    /** Acknowledged and decided on the server, but the outcome never reached the browser's socket. */
    decidedButNotPushed: acked.filter((t) => t.resultAt === undefined && decided(t)).length,
    /** The last pushed outcome differs from the server's record (a cancellation not pushed, say). */
    pushedDiffersFromServer: acked.filter((t) => t.outcome !== undefined && decided(t) && t.outcome !== t.server).length,
    /** The acknowledgement timed out, yet the server has the order. */
    takenAfterAckTimeout: asked.filter(({ trace }) => trace.error === 'ACK_TIMEOUT' && trace.server !== 'unknown' && !trace.server?.startsWith('unanswered')).length,
  }
}

/** Straight from Popcorn's database, after its processes stopped: what was sold, and what was left undone. */
export const inspectPopcornDatabase = async (database: string, hot: string) => {
  const db = await openDatabase(database)
  try {
    const rows = async <Row>(text: string, params: unknown[] = []) => (await db.query<Row>(text, params)).rows
    const byStatus = await rows<{ status: string; orders: number; tickets: number }>(
      'select status, count(*)::int as orders, coalesce(sum(tickets), 0)::int as tickets from ordering.orders where showtime_id = $1 group by status order by status', [hot])
    const showtime = (await rows<{ capacity: number; seatsLeft: number }>('select capacity, seats_left as "seatsLeft" from ordering.showtimes where showtime_id = $1', [hot]))[0]
    const stream = (await rows<{ seatsLeft: number }>('select coalesce(sum(delta), 0)::int as "seatsLeft" from ordering.seat_events where showtime_id = $1', [hot]))[0]!
    const failed = await rows<{ type: string; n: number }>(`select coalesce(message_type, '?') as type, count(*)::int as n from messaging.failed_messages where status = 'unresolved' group by 1`)
    // Due now and still there: work never done. (A saga's timeout due days later — the drawing's — is not.)
    const queued = await rows<{ queue: string; n: number }>('select queue, count(*)::int as n from messaging.queue where visible_at <= now() group by queue')
    const outbox = (await rows<{ n: number }>('select count(*)::int as n from messaging.outbox where deliver_at <= now()'))[0]!.n
    const scheduled = (await rows<{ n: number }>(
      'select (select count(*) from messaging.queue where visible_at > now()) + (select count(*) from messaging.outbox where deliver_at > now()) as n'))[0]!.n
    // The waiting room's view of the hot showing, when this Popcorn has one.
    const room = await rows<Record<string, unknown>>(
      `select r.mode, r.active, r.rate, r.admitted_through as "admittedThrough", r.arrivals_per_second as "arrivalsPerSecond",
              (select count(*)::int from waiting_room.places p where p.showtime_id = r.showtime_id) as places,
              (select rate from waiting_room.capacity where id = 1) as "rememberedCapacity"
       from waiting_room.rooms r where r.showtime_id = $1`, [hot]).catch(() => [])
    const acceptedTickets = byStatus.find((s) => s.status === 'accepted')?.tickets ?? 0
    const capacity = showtime?.capacity ?? Number.NaN
    return {
      hotOrdersByStatus: Object.fromEntries(byStatus.map((s) => [s.status, { orders: s.orders, tickets: s.tickets }])),
      capacity,
      acceptedTickets,
      oversoldByOrders: Math.max(0, acceptedTickets - capacity),
      seatsLeftByStream: stream.seatsLeft,
      oversoldByStream: Math.max(0, -stream.seatsLeft),
      seatsLeftInView: showtime?.seatsLeft ?? null,
      waitingRoom: room[0] ?? null,
      errorQueue: Object.fromEntries(failed.map((f) => [f.type, f.n])),
      stillQueued: Object.fromEntries(queued.map((q) => [q.queue, q.n])),
      outboxLeft: outbox,
      /** Messages due later (saga timeouts): not work left undone. */
      scheduledForLater: Number(scheduled),
    }
  } finally {
    await db.close()
  }
}
