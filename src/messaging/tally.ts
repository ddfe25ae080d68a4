import type { MessagingObserver } from './observer.ts'
import { endpointOfQueue } from './partitions.ts'

/** What one process saw of an endpoint in the last minute: its retries, and how long its batches took. */
export interface EndpointTally {
  readonly retried: number
  /** A batch's time from taken to committed, which is each of its messages' processing time: median and 99th, ms. */
  readonly processingMs: { readonly p50: number | null; readonly p99: number | null }
}

const windowMs = 60_000
/** The batch times kept per endpoint: enough for a percentile, bounded whatever the rate. */
const mostSamples = 2_000

const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!)

/**
 * The process's own tally of its endpoints, for the console (the heartbeat writes it, so every process's shows): an
 * observer of the pipeline like the metrics, each call a push onto an array. What only a process knows — its retries,
 * how long its batches took — the database's inbox cannot tell.
 */
export const createTally = (clock: () => number = Date.now) => {
  const retries = new Map<string, number[]>()
  const batches = new Map<string, { at: number; ms: number }[]>()
  const push = <T>(map: Map<string, T[]>, endpoint: string, value: T) => {
    const list = map.get(endpoint) ?? []
    list.push(value)
    if (list.length > mostSamples) list.splice(0, list.length - mostSamples)
    map.set(endpoint, list)
  }
  const observer: MessagingObserver = {
    handled: (queue, processingMs) => push(batches, endpointOfQueue(queue), { at: clock(), ms: processingMs }),
    retried: (queue) => push(retries, endpointOfQueue(queue), clock()),
    failed: () => {},
  }
  return {
    observer,
    /** Each endpoint's last minute, as of now (older samples are dropped here). */
    summary(): Record<string, EndpointTally> {
      const since = clock() - windowMs
      const endpoints = new Set([...retries.keys(), ...batches.keys()])
      return Object.fromEntries([...endpoints].map((endpoint) => {
        const recentRetries = (retries.get(endpoint) ?? []).filter((at) => at >= since)
        const recentBatches = (batches.get(endpoint) ?? []).filter((b) => b.at >= since)
        retries.set(endpoint, recentRetries)
        batches.set(endpoint, recentBatches)
        const sorted = recentBatches.map((b) => b.ms).sort((a, b) => a - b)
        return [endpoint, { retried: recentRetries.length, processingMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) } }]
      }))
    },
  }
}

/** One observer telling several (the metrics and the tally). */
export const observers = (...all: readonly (MessagingObserver | undefined)[]): MessagingObserver => {
  const present = all.filter((o): o is MessagingObserver => o !== undefined)
  return {
    handled: (queue, ms, messages) => { for (const o of present) o.handled(queue, ms, messages) },
    retried: (queue, type) => { for (const o of present) o.retried(queue, type) },
    failed: (queue, type) => { for (const o of present) o.failed(queue, type) },
  }
}
