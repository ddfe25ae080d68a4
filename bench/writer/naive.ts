import { naiveSchema, openStore, type Query, type Store } from '../flash-sale/naive-store.ts'
import { startCpuMeter } from '../lib/cpu.ts'
import { startProgress } from '../lib/progress.ts'
import { summarize } from '../lib/stats.ts'
import { benchShowing, planOrders, ticketsOf, type BenchOrder } from './orders.ts'
import type { Settings } from './settings.ts'
import { cpuMsPer, cpuPerDecision, type SubjectResult } from './subject.ts'
import { verifyNaive } from './verify.ts'
import type { World } from './worlds.ts'

/** The obvious decision, in one transaction: lock the showing's row, check its seats, take them, insert the order. */
const decide = async (query: Query, order: BenchOrder) => {
  const showing = (await query<{ seats_left: number }>('select seats_left from naive.showings where showing_id = $1 for update', [order.showtimeId])).rows[0]
  if (!showing) throw new Error(`no showing ${order.showtimeId}`)
  const outcome = showing.seats_left >= order.tickets ? 'accepted' : 'sold-out'
  if (outcome === 'accepted') await query('update naive.showings set seats_left = seats_left - $2 where showing_id = $1', [order.showtimeId, order.tickets])
  await query('insert into naive.orders (order_id, showing_id, tickets, email, outcome) values ($1, $2, $3, $4, $5)',
    [order.orderId, order.showtimeId, order.tickets, order.email, outcome])
  return outcome
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

/** `clients` at once, each deciding the next order as soon as its last one committed. Latency: the transaction, waiting for a connection and the lock included. */
const decideAll = async (label: string, orders: readonly BenchOrder[], store: Store, clients: number, deadlineMs: number) => {
  const latencies: number[] = []
  const outcomes: Record<string, number> = {}
  let next = 0
  const start = performance.now()
  let lastAt = start
  const progress = startProgress(label, () => `decided ${latencies.length}/${orders.length}  ${Math.round(latencies.length / Math.max((performance.now() - start) / 1000, 0.001))}/s`)
  const lane = async () => {
    while (next < orders.length && performance.now() - start < deadlineMs) {
      const order = orders[next++]!
      const began = performance.now()
      const outcome = await store.transaction((query) => decide(query, order))
      lastAt = performance.now()
      latencies.push(lastAt - began)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: clients }, lane)).catch((error: unknown) => {
    progress.done('failed')
    throw error
  })
  const seconds = (lastAt - start) / 1000
  const latencyMs = summarize(latencies)
  const run = {
    orders: orders.length,
    decided: latencies.length,
    seconds: round(seconds, 2),
    decisionsPerSecond: round(latencies.length / Math.max(seconds, 0.001)),
    latencyMs,
    outcomes,
    ending: latencies.length === orders.length ? 'all decided' as const : 'deadline' as const,
  }
  progress.done(`${run.decisionsPerSecond}/s, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms${run.ending === 'deadline' ? `, ${orders.length - run.decided} undecided at the deadline` : ''}`)
  return run
}

/** The naive decision beside Popcorn: the same showing and as many orders, on the same database server (or a PGlite of its own). */
export const runNaive = async (world: World, settings: Settings): Promise<SubjectResult> => {
  const about = { shape: world.shape, system: 'naive' as const, label: `${world.shape} · naive` }
  let store: Store | undefined
  try {
    store = await openStore(world.naiveDatabase, { max: settings.naiveClients, waitMs: 60_000 })
    for (const statement of naiveSchema.split(';').filter((s) => s.trim())) await store.query(statement)
    const showing = benchShowing(settings.capacity)
    await store.query('insert into naive.showings (showing_id, ticket_type, capacity, seats_left) values ($1, $2, $3, $3)', [showing.showtimeId, showing.ticketType, showing.capacity])
    const warmUp = planOrders(settings.warmUpOrders, showing.showtimeId)
    const warm = await decideAll('warm-up', warmUp, store, settings.naiveClients, 60_000)
    if (warm.ending !== 'all decided') throw new Error(`the warm-up's ${warmUp.length} orders were not all decided within 60 s (${warm.decided} were)`)
    const orders = planOrders(settings.orders, showing.showtimeId)
    const cpu = startCpuMeter({}, store.kind === 'pglite' ? {} : { database: 'postgres' })
    const run = await decideAll(about.label, orders, store, settings.naiveClients, settings.deadlineSeconds * 1000)
    const usage = cpu.stop()
    const s = store
    const verdict = await verifyNaive((text, params) => s.query(text, params), {
      showtimeId: showing.showtimeId, orders: warmUp.length + orders.length, tickets: ticketsOf(warmUp) + ticketsOf(orders), capacity: settings.capacity,
    })
    console.log(`  checks: ${verdict.problems.length ? verdict.problems.join('; ') : 'every order decided exactly once'}`)
    // Embedded, PGlite decides in this process; on PostgreSQL the work is the server's (measured as "database").
    const decidingProcess = store.kind === 'pglite' ? 'bench' : 'database'
    return {
      ...about,
      status: 'ran',
      ...run,
      p50Ms: run.latencyMs.p50,
      p99Ms: run.latencyMs.p99,
      cpu: {
        ...usage, decidingProcess, cpuMsPerDecision: cpuMsPer(usage.cpuSeconds[decidingProcess], run.decided),
        ...cpuPerDecision(usage.cpuSeconds, [decidingProcess], run.decided),
      },
      checks: { ...verdict, warmUpOrders: warmUp.length },
      details: {
        database: store.kind === 'pglite' ? 'PGlite in a folder of its own, in the bench process (one connection: the clients take turns)' : `the same throw-away database, schema "naive"`,
        clients: settings.naiveClients,
        pool: store.kind === 'postgres' ? settings.naiveClients : 1,
      },
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    console.log(`  FAILED: ${reason}`)
    return { ...about, status: 'failed', reason }
  } finally {
    await store?.close().catch(() => {})
  }
}
