import type { FailureGroup } from '../../messaging/failed-messages.ts'
import type { Database } from '../../messaging/sql.ts'
import { readSwitch, switches } from '../../messaging/switches.ts'
import type { OpsSources } from '../index.ts'
import { endpointsOverview, windowSeconds, type EndpointOverview } from './endpoints.ts'

export interface ProjectionLag {
  readonly projection: string
  /** Writes it has not taken in yet. */
  readonly pending: number
  /** Age of the oldest of them, in seconds (0: up to date). */
  readonly lagSeconds: number
}

/** Everything the console shows at one moment: what the page draws, and what the socket pushes every few seconds. */
export interface ConsoleSnapshot {
  readonly at: string
  readonly windowSeconds: number
  readonly endpoints: readonly EndpointOverview[]
  readonly failures: { readonly unresolved: number; readonly groups: readonly FailureGroup[] }
  readonly projections: readonly ProjectionLag[]
  readonly switches: Readonly<Record<keyof typeof switches, number>>
}

/** The groups a console lists at most; the error queue's API pages through the rest. */
const groupsShown = 20

const projectionsOf = (readings: Awaited<ReturnType<OpsSources['readings']>>): ProjectionLag[] => {
  const of = (name: string) => new Map(readings.filter((r) => r.name === name).flatMap((r) => r.samples).map((s) => [s.labels?.projection ?? '', s.value]))
  const lag = of('popcorn_projection_lag_seconds')
  const pending = of('popcorn_projection_pending')
  return [...lag.keys()].sort().map((projection) => ({ projection, lagSeconds: lag.get(projection) ?? 0, pending: pending.get(projection) ?? 0 }))
}

/**
 * The console's moment: endpoints and their instances (with the last minute drawn a point a second), the error
 * queue grouped by cause, every shared projection's lag, and the switches that are on. Read from the shared tables
 * and the transport, so every web node shows the same.
 */
export const consoleSnapshot = async (db: Database, sources: OpsSources, now: Date): Promise<ConsoleSnapshot> => {
  const names = Object.keys(switches) as (keyof typeof switches)[]
  const [endpoints, groups, readings, values] = await Promise.all([
    endpointsOverview(db, sources.depths, now),
    sources.errors.groups('fingerprint'),
    sources.readings(),
    Promise.all(names.map((name) => readSwitch(db, switches[name], now.getTime()))),
  ])
  return {
    at: now.toISOString(),
    windowSeconds,
    endpoints,
    failures: { unresolved: groups.reduce((sum, g) => sum + g.count, 0), groups: groups.slice(0, groupsShown) },
    projections: projectionsOf(readings),
    switches: Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Record<keyof typeof switches, number>,
  }
}
