import type { FailureGroup } from '../../messaging/failed-messages.ts'
import { readFaults, type Fault } from '../../messaging/faults.ts'
import type { Database } from '../../messaging/sql.ts'
import { readSwitch, switches } from '../../messaging/switches.ts'
import type { OpsSources } from '../index.ts'
import { clearedAlerts, openAlerts, readThresholds, type RaisedAlert } from './alerts.ts'
import type { Thresholds } from './alerts.rules.ts'
import { endpointsOverview, windowSeconds, type EndpointOverview } from './endpoints.ts'
import { projectionsOf, type ProjectionLag } from './lag.ts'

/** Everything the console shows at one moment: what the page draws, and what the socket pushes every few seconds. */
export interface ConsoleSnapshot {
  readonly at: string
  readonly windowSeconds: number
  readonly endpoints: readonly EndpointOverview[]
  readonly failures: { readonly unresolved: number; readonly groups: readonly FailureGroup[] }
  readonly projections: readonly ProjectionLag[]
  readonly switches: Readonly<Record<keyof typeof switches, number>>
  /** The alerts open now, the last cleared, and the thresholds they are raised at. */
  readonly alerts: { readonly open: readonly RaisedAlert[]; readonly cleared: readonly RaisedAlert[]; readonly thresholds: Thresholds }
  /** Ops' faults on now, where the configuration allows them (POPCORN_FAULTS=on). */
  readonly faults: { readonly enabled: boolean; readonly on: readonly Fault[] }
}

/** The groups a console lists at most; the error queue's API pages through the rest. */
const groupsShown = 20

/**
 * The console's moment: endpoints and their instances (with the last minute drawn a point a second), the error
 * queue grouped by cause, every shared projection's lag, and the switches that are on. Read from the shared tables
 * and the transport, so every web node shows the same.
 */
export const consoleSnapshot = async (db: Database, sources: OpsSources, now: Date, options: { faults: boolean }): Promise<ConsoleSnapshot> => {
  const names = Object.keys(switches) as (keyof typeof switches)[]
  const [endpoints, groups, readings, values, open, cleared, thresholds, faults] = await Promise.all([
    endpointsOverview(db, sources.depths, now),
    sources.errors.groups('fingerprint'),
    sources.readings(),
    Promise.all(names.map((name) => readSwitch(db, switches[name], now.getTime()))),
    openAlerts(db),
    clearedAlerts(db, 5),
    readThresholds(db),
    options.faults ? readFaults(db) : [],
  ])
  return {
    at: now.toISOString(),
    windowSeconds,
    endpoints,
    failures: { unresolved: groups.reduce((sum, g) => sum + g.count, 0), groups: groups.slice(0, groupsShown) },
    projections: projectionsOf(readings),
    switches: Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Record<keyof typeof switches, number>,
    alerts: { open, cleared, thresholds },
    faults: { enabled: options.faults, on: faults },
  }
}
