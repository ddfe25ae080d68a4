import { randomUUID } from 'node:crypto'
import { startProgress } from '../lib/progress.ts'
import { summarize } from '../lib/stats.ts'

/** One order of the ramp, as its buyer saw it (ms since the ramp started). Latencies count from when it was due. */
export interface RampTrace {
  readonly orderId: string
  readonly tickets: number
  readonly step: number
  /** When the open-loop schedule says it is sent: latencies count from here, so a bench running late cannot hide a wait. */
  readonly dueAt: number
  sentAt?: number
  answeredAt?: number
  resultAt?: number
  outcome?: string
  error?: string
}

/** Sends one order and fills in its trace as answers come; settles when the order has its outcome, an error, or `stop` aborts. */
export interface RampClient {
  order(trace: RampTrace, now: () => number, stop: AbortSignal): Promise<void>
}

export interface RampStep {
  readonly offeredPerSecond: number
  readonly seconds: number
  /** Orders sent in the step, and how many of them went out over 50 ms late (the bench short of CPU). */
  readonly sent: number
  readonly sentLate: number
  /** Outcomes that came in during the step's seconds, per second: what the system decided while offered this rate. */
  readonly decidedPerSecond: number
  readonly ackMs: { readonly p50: number; readonly p99: number }
  readonly resultMs: { readonly p50: number; readonly p99: number }
  readonly outcomes: Record<string, number>
  /** Refusals, timeouts, and orders with no outcome by the time the step was judged, by code. */
  readonly errors: Record<string, number>
  /** Decided ≥ 95 % of offered, result p99 ≤ 1 s and no errors: the system keeps up at this rate. */
  readonly keptUp: boolean
  /** CPU seconds per process during the step's seconds (the bench's own included). */
  readonly cpuSeconds?: Record<string, number>
}

export interface RampResult {
  readonly steps: readonly RampStep[]
  /** The highest step that kept up; 0 when none did. */
  readonly kneeOrdersPerSecond: number
  readonly stoppedAfter: string
}

const keepsUp = (step: Pick<RampStep, 'offeredPerSecond' | 'decidedPerSecond' | 'resultMs' | 'errors'>) =>
  step.decidedPerSecond >= 0.95 * step.offeredPerSecond && step.resultMs.p99 <= 1_000 && Object.keys(step.errors).length === 0

/** The highest rate of a step that kept up. Steps run upward and the ramp stops at the first that does not. */
const kneeOf = (steps: readonly RampStep[]) => steps.reduce((knee, step) => (step.keptUp ? Math.max(knee, step.offeredPerSecond) : knee), 0)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const tally = (values: readonly string[]) => values.reduce<Record<string, number>>((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {})
const figures = (samples: number[]) => {
  const s = summarize(samples)
  return { p50: s.p50, p99: s.p99 }
}

/** The step's figures from its orders' traces; an order still without an outcome counts as an error (NO_RESULT). */
export const stepOf = (offeredPerSecond: number, seconds: number, traces: readonly RampTrace[], window: { from: number; to: number }): RampStep => {
  const decidedInWindow = traces.filter((t) => t.resultAt !== undefined && t.resultAt >= window.from && t.resultAt < window.to).length
  const errors = tally(traces.flatMap((t) => (t.error ? [t.error] : t.resultAt === undefined ? ['NO_RESULT'] : [])))
  const step = {
    offeredPerSecond,
    seconds,
    sent: traces.filter((t) => t.sentAt !== undefined).length,
    sentLate: traces.filter((t) => t.sentAt !== undefined && t.sentAt - t.dueAt > 50).length,
    decidedPerSecond: Math.round((decidedInWindow / seconds) * 10) / 10,
    ackMs: figures(traces.flatMap((t) => (t.answeredAt === undefined ? [] : [t.answeredAt - t.dueAt]))),
    resultMs: figures(traces.flatMap((t) => (t.resultAt === undefined ? [] : [t.resultAt - t.dueAt]))),
    outcomes: tally(traces.flatMap((t) => (t.outcome ? [t.outcome] : []))),
    errors,
  }
  return { ...step, keptUp: keepsUp(step) }
}

/**
 * Offers orders at fixed rates, one step after another, open loop: each order goes out when it is due, whether or
 * not earlier ones were answered. After each step the ramp waits (at most `drainMs`) for that step's outcomes, judges
 * it, and stops at the first step that did not keep up: a system past its knee only digs its hole deeper.
 */
export const runRamp = async (
  label: string,
  client: RampClient,
  plan: { rates: readonly number[]; stepSeconds: number; drainMs: number; deadlineMs: number },
  cpuMeter: () => { stop(): { cpuSeconds: Record<string, number> } },
) => {
  const start = performance.now()
  const now = () => performance.now() - start
  const stop = new AbortController()
  const traces: RampTrace[] = []
  const steps: RampStep[] = []
  const pending: Promise<void>[] = []
  let stoppedAfter = 'every step kept up'
  const progress = startProgress(label, () => {
    const step = traces.at(-1)?.step
    const ofStep = traces.filter((t) => t.step === step)
    return step === undefined ? 'starting' : `step ${plan.rates[step]}/s: sent ${ofStep.filter((t) => t.sentAt !== undefined).length}  decided ${ofStep.filter((t) => t.resultAt !== undefined).length}  errors ${ofStep.filter((t) => t.error).length}`
  })
  for (const [index, rate] of plan.rates.entries()) {
    const from = now()
    const cpu = cpuMeter()
    const count = Math.round(rate * plan.stepSeconds)
    const ofStep: RampTrace[] = Array.from({ length: count }, (_, i) => ({ orderId: randomUUID(), tickets: (i % 4) + 1, step: index, dueAt: from + (i * 1_000) / rate }))
    traces.push(...ofStep)
    // Every few milliseconds, whatever is due goes out: timers cannot fire every 250 µs, the schedule still holds.
    for (let next = 0; next < count;) {
      while (next < count && ofStep[next]!.dueAt <= now()) {
        const trace = ofStep[next++]!
        trace.sentAt = now()
        pending.push(client.order(trace, now, stop.signal).catch((error: unknown) => {
          trace.error ??= `BENCH: ${error instanceof Error ? error.message : String(error)}`
        }))
      }
      if (next < count) await sleep(Math.max(1, Math.min(5, ofStep[next]!.dueAt - now())))
    }
    const to = from + plan.stepSeconds * 1_000
    while (now() < to) await sleep(to - now())
    const { cpuSeconds } = cpu.stop()
    // The step's last orders need their outcomes before it can be judged.
    const drainUntil = now() + plan.drainMs
    while (now() < drainUntil && ofStep.some((t) => t.resultAt === undefined && t.error === undefined)) await sleep(50)
    const step = { ...stepOf(rate, plan.stepSeconds, ofStep, { from, to }), cpuSeconds }
    steps.push(step)
    console.log(`  ${rate}/s: decided ${step.decidedPerSecond}/s, result p50 ${step.resultMs.p50} / p99 ${step.resultMs.p99} ms, errors ${JSON.stringify(step.errors)}${step.sentLate ? `, ${step.sentLate} sent late` : ''} → ${step.keptUp ? 'kept up' : 'did not keep up'}`)
    if (!step.keptUp) {
      stoppedAfter = `${rate}/s did not keep up; higher steps not run`
      break
    }
    if (now() > plan.deadlineMs) {
      stoppedAfter = `the deadline, after ${rate}/s`
      break
    }
  }
  stop.abort()
  await Promise.all(pending)
  progress.done(stoppedAfter)
  return { steps, kneeOrdersPerSecond: kneeOf(steps), stoppedAfter } satisfies RampResult
}
