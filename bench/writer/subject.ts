import type { LatencySummary } from '../lib/stats.ts'
import type { ShapeId } from './settings.ts'
import type { Verdict } from './verify.ts'

/** One system deciding the orders on one shape: Popcorn's writer, or the naive decision beside it on the same database. */
export interface SubjectAbout {
  readonly shape: ShapeId
  readonly system: 'popcorn' | 'naive'
  readonly label: string
}

export interface Measured {
  readonly orders: number
  readonly decided: number
  readonly seconds: number
  readonly decisionsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly latencyMs: LatencySummary
  readonly outcomes: Record<string, number>
  readonly ending: 'all decided' | 'deadline'
  /**
   * CPU while the measured orders ran: per process (the bench's own as "bench"), and per decided order of the process
   * that decides — Popcorn's writer process, or on the embedded shape the one process that holds writer and bench.
   */
  readonly cpu: {
    readonly wallSeconds: number
    readonly cpuSeconds: Record<string, number>
    readonly decidingProcess: string
    readonly cpuMsPerDecision: number | null
  }
  /** Straight from the database after the run: was every order decided exactly once? */
  readonly checks: Verdict & Record<string, unknown>
  readonly details: Record<string, unknown>
}

export type SubjectResult = SubjectAbout & (({ readonly status: 'ran' } & Measured) | { readonly status: 'skipped' | 'failed'; readonly reason: string })

export type Ran = Extract<SubjectResult, { status: 'ran' }>
export const ran = (results: readonly SubjectResult[]) => results.filter((r): r is Ran => r.status === 'ran')

export const cpuMsPer = (cpuSeconds: number | undefined, decided: number) =>
  cpuSeconds === undefined || decided === 0 ? null : Math.round((cpuSeconds * 1000 * 1000) / decided) / 1000
