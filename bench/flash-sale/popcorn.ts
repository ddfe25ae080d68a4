import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { isLoopback } from '../lib/env.ts'
import type { Buyer, Trace } from './crowd.ts'
import { startNodeProcess, type NodeProcess } from './processes.ts'
import type { World } from './worlds.ts'

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

/**
 * Every buyer of the bench comes from 127.0.0.1, so the per-address throttles of joins and orders (meant for a flood
 * from one machine) would refuse the crowd, and the ramp's buyers share an e-mail address per step: raised here, and
 * only here. Ignored by a Popcorn without them.
 */
export const popcornEnv = {
  HOST: '127.0.0.1',
  POPCORN_LOG_LEVEL: 'warn',
  POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '1000000',
  POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: '1000000',
  POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: '1000000',
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
export const showtimesOpen = async (url: string, showtimeIds: readonly string[], timeoutMs = 120_000) => {
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
 * After the run, over HTTP: every order that was acknowledged (or whose acknowledgement timed out) as the server has
 * it now. Then `classify`, once the sockets had a moment for pushes still on their way.
 */
export const askServer = async (url: string, buyers: readonly Buyer[], traces: readonly Trace[]) => {
  // Answered sold out at once: nothing was stored, nothing to ask.
  const taken = (t: Trace) => (t.acknowledged && t.ackStatus !== 'sold-out') || t.error === 'ACK_TIMEOUT'
  const asked = buyers.flatMap((buyer, i) => (taken(traces[i]!) ? [{ buyer, trace: traces[i]! }] : []))
  await eachLimit(asked, 16, async ({ buyer, trace }) => {
    const found = await getJson<{ status: string; decidedAt?: string | null }>(`${url}/api/orders/${buyer.orderId}`).catch(() => ({ status: 0, body: undefined }))
    const { body } = found
    // Accepted at the edge and not yet decided by the writer: no final outcome yet.
    trace.server = body
      ? `${body.status}${body.decidedAt === null && body.status !== 'received' ? ' (undecided)' : ''}`
      : found.status === 404 ? 'unknown' : `unanswered (${found.status || 'no reply'})`
  })
  return asked
}

/** An acknowledged order without an outcome pushed by the end is lost when the server has not decided it either. */
export const classify = (asked: Awaited<ReturnType<typeof askServer>>) => {
  const decided = (t: Trace) => t.server !== undefined && !['received', 'unknown'].includes(t.server) && !/^unanswered|\(undecided\)$/.test(t.server)
  const acked = asked.filter(({ trace }) => trace.acknowledged)
  const undecided = acked.filter(({ trace }) => trace.resultAt === undefined)
  return {
    checked: asked.length,
    serverStatuses: asked.reduce<Record<string, number>>((counts, { trace }) => ({ ...counts, [trace.server!]: (counts[trace.server!] ?? 0) + 1 }), {}),
    /** Acknowledged, no outcome pushed by the end, and none on the server either: their ids, for the database to say where they are. */
    lostOrderIds: undecided.filter(({ trace }) => !decided(trace)).map(({ buyer }) => buyer.orderId),
    /** Acknowledged, nothing pushed by the end, decided on the server meanwhile and pushed late (after the end). */
    decidedAfterTheEnd: undecided.filter(({ trace }) => decided(trace) && trace.lateOutcome !== undefined).length,
    /** Acknowledged and decided on the server, but no outcome ever reached the browser's socket, not even late. */
    decidedButNotPushed: undecided.filter(({ trace }) => decided(trace) && trace.lateOutcome === undefined).length,
    /** The last pushed outcome differs from the server's record (a cancellation not pushed, say). */
    pushedDiffersFromServer: acked.filter(({ trace }) => trace.outcome !== undefined && decided(trace) && trace.outcome !== trace.server).length,
    /** The acknowledgement timed out, yet the server has the order. */
    takenAfterAckTimeout: asked.filter(({ trace }) => trace.error === 'ACK_TIMEOUT' && trace.server !== 'unknown' && !trace.server?.startsWith('unanswered')).length,
  }
}

/** Straight from Popcorn's database, after its processes stopped: what was sold, and what was left undone. */
export const inspectPopcornDatabase = async (database: string, hot: string, lostOrderIds: readonly string[]) => {
  const db = await openDatabase(database)
  try {
    const rows = async <Row>(text: string, params: unknown[] = []) => (await db.query<Row>(text, params)).rows
    // An order accepted at the edge is stored as accepted before the writer decides it: "undecided" tells them apart.
    const byStatus = await rows<{ status: string; orders: number; tickets: number }>(
      `select status || case when decided_at is null and status <> 'received' then ' (undecided)' else '' end as status,
              count(*)::int as orders, coalesce(sum(tickets), 0)::int as tickets
       from ordering.orders where showtime_id = $1 group by 1 order by 1`, [hot])
    const showtime = (await rows<{ capacity: number; seatsLeft: number }>('select capacity, seats_left as "seatsLeft" from ordering.showtimes where showtime_id = $1', [hot]))[0]
    // The writer's word: its stream of seat events. Seats taken = the reservations' deltas.
    const stream = (await rows<{ seatsLeft: number; reserved: number }>(
      `select coalesce(sum(delta), 0)::int as "seatsLeft", coalesce(sum(-delta) filter (where type = 'SeatsReserved'), 0)::int as reserved
       from ordering.seat_events where showtime_id = $1`, [hot]))[0]!
    const failed = await rows<{ type: string; n: number }>(`select coalesce(message_type, '?') as type, count(*)::int as n from messaging.failed_messages where status = 'unresolved' group by 1`)
    // Due now and still there: work never done. (A saga's timeout due days later — the drawing's — is not.)
    const queued = await rows<{ queue: string; n: number; distinct: number }>(
      `select queue, sum(coalesce((headers->>'bundle')::int, 1))::int as n, count(distinct message_id)::int as distinct
       from messaging.queue where visible_at <= now() group by queue`)
    const outbox = (await rows<{ n: number }>('select count(*)::int as n from messaging.outbox where deliver_at <= now()'))[0]!.n
    const scheduled = (await rows<{ n: number }>(
      'select (select count(*) from messaging.queue where visible_at > now()) + (select count(*) from messaging.outbox where deliver_at > now()) as n'))[0]!.n
    // Orders counted lost: stored, and their SubmitOrder still waiting in the database queue (the embedded shape), alone or in a bundle?
    const lost = (await rows<{ stored: number; queued: number }>(
      `select (select count(*)::int from ordering.orders where order_id = any($1::uuid[])) as stored,
              (select count(*)::int from messaging.queue q where q.message_id = any($1::uuid[])
                 or (q.headers ? 'bundle' and exists (select 1 from json_array_elements(q.body::json) m
                                                      where (m->'headers'->>'messageId')::uuid = any($1::uuid[])))) as queued`, [lostOrderIds]))[0]!
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
      /** Tickets of orders the writer accepted (orders table). */
      acceptedTickets,
      oversoldByOrders: Math.max(0, acceptedTickets - capacity),
      /** Tickets the writer reserved (seat events), and seats left by the stream. */
      reservedByStream: stream.reserved,
      seatsLeftByStream: stream.seatsLeft,
      oversoldByStream: Math.max(0, stream.reserved - capacity, -stream.seatsLeft),
      seatsLeftInView: showtime?.seatsLeft ?? null,
      /** Of the orders counted lost: how many the database holds (received, undecided), and whose command is still queued here. */
      lostButStored: lost.stored,
      lostWithCommandQueued: lost.queued,
      waitingRoom: room[0] ?? null,
      errorQueue: Object.fromEntries(failed.map((f) => [f.type, f.n])),
      stillQueued: Object.fromEntries(queued.map((q) => [q.queue, q.n])),
      stillQueuedDistinct: Object.fromEntries(queued.map((q) => [q.queue, q.distinct])),
      outboxLeft: outbox,
      /** Messages due later (saga timeouts): not work left undone. */
      scheduledForLater: Number(scheduled),
    }
  } finally {
    await db.close()
  }
}
