import { startProgress } from './progress.ts'
import { summarize, type LatencySummary } from './stats.ts'

/** Sends one request and settles when its reply has arrived. */
export type RoundTrip = () => Promise<void>

export interface FixedLoadResult {
  readonly offeredPerSecond: number
  readonly seconds: number
  readonly sent: number
  readonly completed: number
  readonly failed: number
  readonly achievedPerSecond: number
  /** From the moment each request was due, so a sender that falls behind shows in the figures. */
  readonly latencyMs: LatencySummary
  readonly firstError?: string
}

export interface SaturationResult {
  readonly outstanding: number
  readonly seconds: number
  readonly completed: number
  readonly failed: number
  readonly throughputPerSecond: number
  readonly latencyMs: LatencySummary
  readonly firstError?: string
}

export interface LoadLimits {
  /** A round trip not back by then counts as failed. */
  readonly timeoutMs: number
  /** No phase sends more than this, whatever its rate and duration. */
  readonly maxRoundTrips: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const round1 = (x: number) => Math.round(x * 10) / 10
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

const bounded = (roundTrip: RoundTrip, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([roundTrip(), timeout]).finally(() => clearTimeout(timer))
}

/** Open loop: requests leave on schedule at `perSecond`, whether or not the earlier ones have their replies. */
export const fixedLoad = async (label: string, roundTrip: RoundTrip, perSecond: number, seconds: number, limits: LoadLimits): Promise<FixedLoadResult> => {
  const total = Math.min(limits.maxRoundTrips, Math.round(perSecond * seconds))
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  let failed = 0
  let firstError: string | undefined
  let lastReplyAt = 0
  const progress = startProgress(label, () => `sent ${pending.length}/${total}  replied ${latencies.length}  failed ${failed}`)
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait >= 1) await sleep(wait)
    pending.push(bounded(roundTrip, limits.timeoutMs).then(
      () => {
        lastReplyAt = performance.now()
        latencies.push(lastReplyAt - due)
      },
      (error: unknown) => {
        failed++
        firstError ??= messageOf(error)
      },
    ))
  }
  await Promise.all(pending)
  const elapsed = Math.max(lastReplyAt - start, 1)
  const result: FixedLoadResult = {
    offeredPerSecond: perSecond,
    seconds,
    sent: total,
    completed: latencies.length,
    failed,
    achievedPerSecond: round1((latencies.length * 1000) / elapsed),
    latencyMs: summarize(latencies),
    ...(firstError && { firstError }),
  }
  progress.done(`${result.achievedPerSecond}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`)
  return result
}

/** Closed loop: `outstanding` round trips always in flight, each sending the next as its reply arrives. */
export const saturation = async (label: string, roundTrip: RoundTrip, outstanding: number, seconds: number, limits: LoadLimits): Promise<SaturationResult> => {
  const latencies: number[] = []
  let started = 0
  let failed = 0
  let firstError: string | undefined
  const progress = startProgress(label, () => `replied ${latencies.length}  failed ${failed}  in flight ${started - latencies.length - failed}`)
  const start = performance.now()
  const end = start + seconds * 1000
  const lane = async () => {
    while (performance.now() < end && started < limits.maxRoundTrips) {
      started++
      const sentAt = performance.now()
      try {
        await bounded(roundTrip, limits.timeoutMs)
        latencies.push(performance.now() - sentAt)
      } catch (error) {
        failed++
        firstError ??= messageOf(error)
        await sleep(50) // a broken subject must not spin
      }
    }
  }
  await Promise.all(Array.from({ length: outstanding }, lane))
  const elapsed = performance.now() - start
  const result: SaturationResult = {
    outstanding,
    seconds,
    completed: latencies.length,
    failed,
    throughputPerSecond: round1((latencies.length * 1000) / elapsed),
    latencyMs: summarize(latencies),
    ...(firstError && { firstError }),
  }
  progress.done(`${result.throughputPerSecond}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`)
  return result
}

/** A few round trips first, so connections, plans and JIT are warm before anything is measured. */
export const warmUp = async (roundTrip: RoundTrip, count: number, limits: LoadLimits): Promise<void> => {
  let left = count
  const lane = async () => {
    while (left-- > 0) await bounded(roundTrip, limits.timeoutMs)
  }
  await Promise.all(Array.from({ length: 4 }, lane))
}
