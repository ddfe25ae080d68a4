import type { CrowdMetrics } from './metrics.ts'
import type { ShapeId } from './settings.ts'

/** One system under the burst on one shape: Popcorn, or the naive site beside it on the same database. */
export interface SubjectAbout {
  readonly id: string
  readonly shape: ShapeId
  readonly system: 'popcorn' | 'naive'
  readonly label: string
}

export type SubjectResult = SubjectAbout & (
  | {
    readonly status: 'ran'
    readonly details: Record<string, unknown>
    readonly capacity: number
    readonly metrics: CrowdMetrics
    /** CPU seconds per process (the bench's own included) while the crowd ran, beside the wall-clock seconds. */
    readonly usage: { readonly wallSeconds: number; readonly cpuSeconds: Record<string, number> }
    /** Seats sold beyond capacity: from the outcomes the buyers saw, and from the database. */
    readonly oversold: { readonly fromOutcomes: number; readonly fromDatabase: number }
    /** Acknowledged orders with no final outcome by the end, confirmed over HTTP (Popcorn; the naive site answers synchronously). */
    readonly lost: number
    /** What was checked after the run: over HTTP and straight from the database. */
    readonly checks: Record<string, unknown>
  }
  | { readonly status: 'skipped' | 'failed'; readonly reason: string })

export type Ran = Extract<SubjectResult, { status: 'ran' }>
export const ran = (results: readonly SubjectResult[]) => results.filter((r): r is Ran => r.status === 'ran')
