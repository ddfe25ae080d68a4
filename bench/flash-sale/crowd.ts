import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { startProgress } from '../lib/progress.ts'

/** One simulated person: what they want and when they arrive (ms after the burst starts). */
export interface Buyer {
  readonly index: number
  readonly kind: 'hot' | 'drawing'
  readonly showtimeId: string
  readonly tickets: number
  readonly orderId: string
  readonly email: string
  readonly dueAt: number
}

/** What happened to one buyer, in ms since the burst started. Filled in by the buyer as it goes. */
export interface Trace {
  arrivedAt?: number
  connectedAt?: number
  connectErrors: number
  /** The waiting room answered the join (with a place, admitted or not). */
  joinedAt?: number
  waited: boolean
  admittedAt?: number
  submittedAt?: number
  /** An answer to the submit: acknowledged (ok) or refused (with `error`). */
  answeredAt?: number
  acknowledged: boolean
  /** What the acknowledgement said: 'received', or 'accepted' when an optimistic showing accepted at the edge. */
  ackStatus?: string
  /** Every pushed outcome for this buyer's order, in arrival order (an edge acceptance may be followed by a cancellation). */
  readonly pushes: { outcome: string; at: number }[]
  /** The first final outcome: a push (Popcorn), or the answer itself (the naive site). */
  resultAt?: number
  outcome?: string
  /** An outcome pushed after the crowd's end (the deadline): not counted as decided, but not lost either. */
  lateOutcome?: string
  error?: string
  /** The order's status on the server, asked over HTTP after the run for orders without a pushed outcome. */
  server?: string
}

/** Acts out one buyer; settles when its story is over, or when `stop` aborts (the deadline, or a quiet end). */
export type Act = (buyer: Buyer, trace: Trace, now: () => number, stop: AbortSignal) => Promise<void>

/** A small seeded generator (mulberry32): the same crowd for every subject of a run, and for every run with the seed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

export const planCrowd = (options: { buyers: number; burstMs: number; drawingPercent: number; hotShowing: string; drawingShowing: string; seed: number }): Buyer[] => {
  const random = seeded(options.seed)
  return Array.from({ length: options.buyers }, (_, index) => {
    const kind = random() * 100 < options.drawingPercent ? 'drawing' as const : 'hot' as const
    return {
      index,
      kind,
      showtimeId: kind === 'hot' ? options.hotShowing : options.drawingShowing,
      tickets: 1 + Math.floor(random() * 4),
      orderId: randomUUID(),
      email: `buyer${index}@flash-sale.example`,
      dueAt: (index * options.burstMs) / options.buyers,
    }
  })
}

/** The same people (kind, tickets, arrival) with fresh order ids, for the next subject. */
export const freshIds = (buyers: readonly Buyer[]): Buyer[] => buyers.map((buyer) => ({ ...buyer, orderId: randomUUID() }))

export const newTrace = (): Trace => ({ connectErrors: 0, waited: false, acknowledged: false, pushes: [] })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The latest moment anything happened to anyone: the crowd is quiet when it stops moving. */
const lastEvent = (traces: readonly Trace[]) => traces.reduce((latest, t) => Math.max(latest, t.answeredAt ?? 0, t.resultAt ?? 0, t.admittedAt ?? 0, t.pushes.at(-1)?.at ?? 0), 0)

export type Ending = 'all settled' | 'quiet' | 'deadline'

/**
 * Lets the buyers arrive on schedule (each acts on its own; nobody waits for the one before) and waits until all
 * have settled, or everyone has an answer and nothing has happened for `quietMs`, or the deadline.
 */
export const runCrowd = async (label: string, buyers: readonly Buyer[], act: Act, limits: { deadlineMs: number; quietMs: number }) => {
  const traces = buyers.map(newTrace)
  const stopping = new AbortController()
  setMaxListeners(0, stopping.signal) // every buyer listens for the end
  const start = performance.now()
  const now = () => performance.now() - start
  let settled = 0
  const progress = startProgress(label, () => {
    const count = (test: (t: Trace) => boolean) => traces.filter(test).length
    const waiting = count((t) => t.waited && t.admittedAt === undefined && t.error === undefined)
    return `arrived ${count((t) => t.arrivedAt !== undefined)}  ${waiting ? `waiting ${waiting}  ` : ''}acked ${count((t) => t.acknowledged)}  decided ${count((t) => t.outcome !== undefined)}  errors ${count((t) => t.error !== undefined)}`
  })
  const acting: Promise<void>[] = []
  const arrivals = (async () => {
    for (const [i, buyer] of buyers.entries()) {
      const wait = buyer.dueAt - now()
      if (wait >= 1) await sleep(wait)
      if (stopping.signal.aborted) return
      traces[i]!.arrivedAt = now()
      acting.push(act(buyer, traces[i]!, now, stopping.signal).catch((error: unknown) => {
        traces[i]!.error ??= `BENCH: ${error instanceof Error ? error.message : String(error)}`
      }).finally(() => void settled++))
    }
  })()
  let ending: Ending = 'deadline'
  while (now() < limits.deadlineMs) {
    await sleep(100)
    if (settled === buyers.length) {
      ending = 'all settled'
      break
    }
    const allAnswered = traces.every((t) => t.arrivedAt !== undefined && (t.answeredAt !== undefined || t.error !== undefined))
    if (allAnswered && now() - lastEvent(traces) > limits.quietMs) {
      ending = 'quiet'
      break
    }
  }
  const endedAt = now()
  stopping.abort()
  await arrivals
  await Promise.all(acting)
  progress.done(`${ending} after ${(endedAt / 1000).toFixed(1)} s`)
  return { traces, endedAt, ending }
}
