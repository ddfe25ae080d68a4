import { summarize } from '../lib/stats.ts'
import type { Buyer, Ending, Trace } from './crowd.ts'
import type { RoomSighting } from './popcorn-buyer.ts'

export const bucketMs = 250

const defined = (values: readonly (number | undefined)[]) => values.filter((v): v is number => v !== undefined)
const tally = (values: readonly (string | undefined)[]) =>
  Object.fromEntries([...values.reduce((m, v) => (v === undefined ? m : m.set(v, (m.get(v) ?? 0) + 1)), new Map<string, number>())].sort((a, b) => b[1] - a[1]))

/** Events per bucket, as a rate per second. */
const rate = (times: readonly number[], buckets: number) => {
  const counts = new Array<number>(buckets).fill(0)
  for (const t of times) counts[Math.min(buckets - 1, Math.floor(t / bucketMs))]!++
  return counts.map((n) => (n * 1000) / bucketMs)
}

/** How many intervals [from, to) are open at the end of each bucket. */
const gauge = (intervals: readonly (readonly [number, number])[], buckets: number) =>
  Array.from({ length: buckets }, (_, b) => intervals.filter(([from, to]) => from <= (b + 1) * bucketMs && (b + 1) * bucketMs < to).length)

/** What one subject's buyers went through, summed up; times in ms, rates per second. */
/** The room's outflow as last told to anyone by the end of each bucket (0 while it is off); null before anyone was told. */
const roomRate = (sightings: readonly RoomSighting[], buckets: number) => {
  const sorted = [...sightings].sort((a, b) => a.at - b.at)
  let i = 0
  let last: number | null = null
  return Array.from({ length: buckets }, (_, b) => {
    while (i < sorted.length && sorted[i]!.at < (b + 1) * bucketMs) {
      const sighting = sorted[i++]!
      last = sighting.active ? Math.round(sighting.ratePerSecond * 10) / 10 : 0
    }
    return last
  })
}

export const measureCrowd = (buyers: readonly Buyer[], traces: readonly Trace[], endedAt: number, ending: Ending, sightings: readonly RoomSighting[] = []) => {
  const pairs = buyers.map((buyer, i) => ({ buyer, trace: traces[i]! }))
  const decided = pairs.filter(({ trace }) => trace.resultAt !== undefined)
  const acked = pairs.filter(({ trace }) => trace.acknowledged)
  const hot = pairs.filter(({ buyer }) => buyer.kind === 'hot')
  const acceptedTickets = hot.filter(({ trace }) => trace.outcome === 'accepted').reduce((sum, { buyer }) => sum + buyer.tickets, 0)
  const firstSubmit = Math.min(...defined(traces.map((t) => t.submittedAt)))
  const lastResult = Math.max(...defined(decided.map(({ trace }) => trace.resultAt)))
  const span = decided.length > 0 ? (lastResult - firstSubmit) / 1000 : Number.NaN
  const waited = pairs.filter(({ trace }) => trace.waited)
  const buckets = Math.max(1, Math.ceil(endedAt / bucketMs))
  return {
    ending,
    endedAfterSeconds: Math.round(endedAt) / 1000,
    buyers: {
      total: buyers.length,
      hot: hot.length,
      drawing: buyers.length - hot.length,
      arrived: traces.filter((t) => t.arrivedAt !== undefined).length,
      connected: traces.filter((t) => t.connectedAt !== undefined || t.submittedAt !== undefined).length,
      submitted: traces.filter((t) => t.submittedAt !== undefined).length,
      acknowledged: acked.length,
      decided: decided.length,
    },
    /** How closely the bench kept the arrival schedule: a bench short of CPU lets buyers arrive late. */
    arrivals: {
      spanSeconds: Math.round(Math.max(...defined(traces.map((t) => t.arrivedAt)))) / 1000,
      lateMs: summarize(pairs.flatMap(({ buyer, trace }) => (trace.arrivedAt === undefined ? [] : [trace.arrivedAt - buyer.dueAt]))),
    },
    /** Arrival → socket connected (Popcorn's buyers; the naive site's connect is inside its request). */
    connectMs: summarize(defined(traces.map((t) => (t.connectedAt === undefined ? undefined : t.connectedAt - t.arrivedAt!)))),
    /** Connected → the waiting room answered the join (with a place, let in or not). */
    joinMs: summarize(defined(traces.map((t) => (t.joinedAt === undefined ? undefined : t.joinedAt - t.connectedAt!)))),
    /** Submit → acknowledgement, over the acknowledged orders. */
    ackMs: summarize(defined(acked.map(({ trace }) => trace.answeredAt! - trace.submittedAt!))),
    /** Submit → the (first) final outcome. */
    resultMs: summarize(defined(decided.map(({ trace }) => trace.resultAt! - trace.submittedAt!))),
    /** Arrival on the page → the final outcome: connecting and the waiting room included. */
    arrivalToResultMs: summarize(defined(decided.map(({ trace }) => trace.resultAt! - trace.arrivedAt!))),
    ordersPerSecond: Number.isFinite(span) && span > 0 ? Math.round((decided.length / span) * 10) / 10 : null,
    decidedSpanSeconds: Number.isFinite(span) ? Math.round(span * 100) / 100 : null,
    acknowledgedAs: tally(acked.map(({ trace }) => trace.ackStatus)),
    outcomes: tally(decided.map(({ trace }) => trace.outcome)),
    /** Told "accepted" in the acknowledgement (at the edge of an optimistic showing), then "cancelled" (oversold, refunded). */
    toldAcceptedThenCancelled: acked.filter(({ trace }) => trace.ackStatus === 'accepted' && trace.outcome === 'cancelled').length,
    /** Buyers who saw more than one outcome for one order (an edge acceptance then a cancellation, say). */
    changedOutcomes: pairs.filter(({ trace }) => new Set(trace.pushes.map((p) => p.outcome)).size > 1).length,
    acceptedTickets,
    waitingRoom: {
      waited: waited.length,
      waitMs: summarize(defined(waited.map(({ trace }) => (trace.admittedAt === undefined ? undefined : trace.admittedAt - trace.joinedAt!)))),
      stillWaitingAtEnd: waited.filter(({ trace }) => trace.admittedAt === undefined).length,
      /** When the room was first seen on, and its highest outflow told (people per second). */
      firstSeenOnAt: sightings.filter((s) => s.active).reduce<number | null>((first, s) => (first === null || s.at < first ? s.at : first), null),
      maxRatePerSecond: sightings.filter((s) => s.active).reduce<number | null>((max, s) => Math.max(max ?? 0, Math.round(s.ratePerSecond * 10) / 10), null),
    },
    errors: tally(traces.map((t) => t.error)),
    connectRetries: traces.reduce((sum, t) => sum + t.connectErrors, 0),
    timeline: {
      bucketMs,
      perSecond: {
        arrivals: rate(defined(traces.map((t) => t.arrivedAt)), buckets),
        joins: rate(defined(traces.map((t) => t.joinedAt)), buckets),
        acknowledgements: rate(defined(acked.map(({ trace }) => trace.answeredAt)), buckets),
        outcomes: rate(defined(decided.map(({ trace }) => trace.resultAt)), buckets),
        errors: rate(defined(traces.map((t) => (t.error ? t.answeredAt ?? t.arrivedAt : undefined))), buckets),
      },
      /** People in the waiting room (joined, not yet let through) at the end of each bucket. */
      waiting: gauge(waited.map(({ trace }) => [trace.joinedAt!, trace.admittedAt ?? endedAt] as const), buckets),
      /** The waiting room's outflow, people per second, as told to the people in it (0 while off). */
      roomRate: roomRate(sightings, buckets),
      /** Orders submitted and not yet decided at the end of each bucket. */
      undecided: gauge(pairs.filter(({ trace }) => trace.submittedAt !== undefined).map(({ trace }) => [trace.submittedAt!, trace.resultAt ?? endedAt] as const), buckets),
    },
  }
}

export type CrowdMetrics = ReturnType<typeof measureCrowd>
