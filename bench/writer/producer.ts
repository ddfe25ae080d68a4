import { SubmitOrder } from '../../src/contexts/ordering/messages.ts'
import type { MessageSession } from '../../src/messaging/session.ts'
import { startProgress } from '../lib/progress.ts'
import { summarize, type LatencySummary } from '../lib/stats.ts'
import { timingCommit } from './commit-clock.ts'
import type { BenchOrder } from './orders.ts'
import type { Replies } from './replies.ts'

export interface ProducerOptions {
  readonly chunk: number
  readonly window: number
  readonly producers: number
  readonly deadlineMs: number
}

export interface ProducedRun {
  readonly orders: number
  readonly stored: number
  readonly decided: number
  /** First measured commit → last answer. */
  readonly seconds: number
  readonly decisionsPerSecond: number
  /** The producer's commit of an order → its OrderOutcome at the bench's endpoint. */
  readonly latencyMs: LatencySummary
  readonly outcomes: Record<string, number>
  readonly ending: 'all decided' | 'deadline'
  /** Share of the producers' time spent waiting for the window to open: near 0, the producer set the pace, not the writer. */
  readonly producerWaitingShare: number
  readonly mostUndecided: number
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
/** The browser session the bench's orders come from, as a web node's come from a cookie. */
const clientSession = 'bench-writer'

/**
 * One chunk of SubmitOrder commands (message id = order id) in one transaction. The writer stores each order with its
 * outcome, as the naive decision inserts its order: the web node's own work (storing the order as received, the
 * waiting room, sessions) is left out, so that the writer's pace is what is measured, not the producer's.
 */
const storeAndSend = (session: MessageSession, orders: readonly BenchOrder[]) =>
  timingCommit(() => session.transaction(async (_tx, out) => {
    for (const order of orders) out.send(SubmitOrder, order, { messageId: order.orderId })
  }, { originClient: clientSession }))

/**
 * Offers `orders` as fast as the writer takes them: `producers` transactions of `chunk` orders at a time, never more
 * than `window` committed and undecided. Counts decisions by the replies that arrive.
 */
export const produceOrders = async (label: string, orders: readonly BenchOrder[], session: MessageSession, replies: Replies, options: ProducerOptions): Promise<ProducedRun> => {
  const committedAt = new Map<string, number>()
  const base = replies.count()
  const decided = () => replies.count() - base
  let next = 0
  let sent = 0
  let stored = 0
  let waitedMs = 0
  let mostUndecided = 0
  let failure: unknown
  const start = performance.now()
  const deadline = start + options.deadlineMs
  const pastDeadline = () => performance.now() >= deadline
  const progress = startProgress(label, () => {
    const elapsed = (performance.now() - start) / 1000
    return `stored ${stored}/${orders.length}  decided ${decided()}  undecided ${sent - decided()}  ${Math.round(decided() / Math.max(elapsed, 0.001))}/s`
  })

  const lane = async () => {
    while (next < orders.length && failure === undefined && !pastDeadline()) {
      const size = Math.min(options.chunk, orders.length - next)
      if (sent - decided() + size > options.window) {
        const waitFrom = performance.now()
        await replies.next(100)
        waitedMs += performance.now() - waitFrom
        continue
      }
      const chunk = orders.slice(next, next + size)
      next += size
      sent += size
      mostUndecided = Math.max(mostUndecided, sent - decided())
      try {
        const { committedAt: at } = await storeAndSend(session, chunk)
        for (const order of chunk) committedAt.set(order.orderId, at)
        stored += size
      } catch (error) {
        failure ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: options.producers }, lane))
  while (failure === undefined && decided() < stored && !pastDeadline()) await replies.next(250)
  const ending = decided() >= orders.length ? 'all decided' : 'deadline'
  const latencies: number[] = []
  const outcomes: Record<string, number> = {}
  let lastAt = start
  for (const order of orders) {
    const arrival = replies.arrivalOf(order.orderId)
    const at = committedAt.get(order.orderId)
    if (!arrival || at === undefined) continue
    // An answer can be handled in the same turn as the commit it answers: never below zero.
    latencies.push(Math.max(0, arrival.at - at))
    outcomes[arrival.outcome] = (outcomes[arrival.outcome] ?? 0) + 1
    lastAt = Math.max(lastAt, arrival.at)
  }
  const seconds = (lastAt - start) / 1000
  const run: ProducedRun = {
    orders: orders.length,
    stored,
    decided: latencies.length,
    seconds: round(seconds, 2),
    decisionsPerSecond: round(latencies.length / Math.max(seconds, 0.001)),
    latencyMs: summarize(latencies),
    outcomes,
    ending,
    producerWaitingShare: round(waitedMs / (options.producers * Math.max(lastAt - start, 1)), 3),
    mostUndecided,
  }
  progress.done(failure === undefined
    ? `${run.decisionsPerSecond}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms${ending === 'deadline' ? `, ${orders.length - run.decided} undecided at the deadline` : ''}`
    : 'the producer failed')
  if (failure !== undefined) throw failure
  return run
}
