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
    /**
     * The servers' CPU per decided order: Popcorn's writer, PostgreSQL and RabbitMQ; the naive decision's
     * PostgreSQL; embedded, the one process that holds it all (the bench's load included, as it must be).
     */
    readonly serverMsPerDecision: number | null
    /** Every party's CPU per decided order, the bench's producer and reply handling (a web node's work) included. */
    readonly allMsPerDecision: number | null
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

/** The server processes measured by command name on a shape: the database server, and the broker where there is one. */
export const serverCommands = (shape: string): Record<string, string> =>
  shape === 'embedded' ? {} : { database: 'postgres', ...(shape.endsWith('rabbitmq') && { broker: 'beam.smp' }) }

const sumOf = (cpuSeconds: Record<string, number>, parts: readonly string[]) =>
  parts.every((part) => cpuSeconds[part] !== undefined) ? parts.reduce((sum, part) => sum + cpuSeconds[part]!, 0) : undefined

/** Server and whole-machine CPU per decided order, from what a meter measured; `servers` are its parts that serve. */
export const cpuPerDecision = (cpuSeconds: Record<string, number>, servers: readonly string[], decided: number) => ({
  serverMsPerDecision: cpuMsPer(sumOf(cpuSeconds, servers), decided),
  allMsPerDecision: cpuMsPer(sumOf(cpuSeconds, Object.keys(cpuSeconds)), decided),
})
