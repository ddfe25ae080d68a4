/**
 * When ops is alerted: a threshold crossed by what the console reads. Each rule names its subject (the endpoint, the
 * projection, the error queue), so that one alert is raised once and cleared once, however often it is checked.
 */

export const thresholdSpecs = {
  /** Failed messages waiting for a person, at most (0: any failure alerts). */
  maxFailedMessages: { label: 'Failed messages waiting, at most', unit: 'messages', default: 0, max: 1_000_000 },
  /** A shared view's oldest write not taken in, in seconds, at most. */
  maxProjectionLagSeconds: { label: 'A shared view’s lag, at most', unit: 's', default: 30, max: 86_400 },
  /** An endpoint's critical time (sent → handled), 99th percentile over the last minute, in milliseconds, at most. */
  maxCriticalP99Ms: { label: 'Critical time p99, at most', unit: 'ms', default: 10_000, max: 3_600_000 },
} as const

export type ThresholdName = keyof typeof thresholdSpecs
export type Thresholds = Readonly<Record<ThresholdName, number>>

export const defaultThresholds = Object.fromEntries(Object.entries(thresholdSpecs).map(([name, spec]) => [name, spec.default])) as Thresholds

export type AlertRule = 'failed-messages' | 'projection-lag' | 'critical-time' | 'endpoint-down'

export interface Alert {
  readonly rule: AlertRule
  /** What it is about: an endpoint's or a projection's name, or `error-queue`. */
  readonly subject: string
  /** What a person reads, in the console and the e-mail's subject. */
  readonly summary: string
}

/** What the rules read: the console's moment, cut to what they need. */
export interface Readings {
  readonly failedMessages: number
  readonly projections: readonly { readonly projection: string; readonly pending: number; readonly lagSeconds: number }[]
  readonly endpoints: readonly {
    readonly name: string
    readonly instances: readonly { readonly instanceId: string; readonly status: 'up' | 'paused' | 'down' | 'stopped' }[]
    readonly criticalMs: { readonly p99: number | null }
  }[]
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** Every alert the readings call for now, under these thresholds. */
export const alertsOf = (readings: Readings, thresholds: Thresholds): Alert[] => {
  const alerts: Alert[] = []
  if (readings.failedMessages > thresholds.maxFailedMessages) {
    alerts.push({ rule: 'failed-messages', subject: 'error-queue', summary: `${plural(readings.failedMessages, 'failed message')} waiting for a person (more than ${thresholds.maxFailedMessages})` })
  }
  for (const p of readings.projections) {
    if (p.pending > 0 && p.lagSeconds > thresholds.maxProjectionLagSeconds) {
      alerts.push({ rule: 'projection-lag', subject: p.projection, summary: `The ${p.projection} view is ${Math.round(p.lagSeconds)} s behind (more than ${thresholds.maxProjectionLagSeconds} s), ${plural(p.pending, 'write')} not taken in` })
    }
  }
  for (const e of readings.endpoints) {
    const down = e.instances.filter((i) => i.status === 'down')
    if (down.length > 0) {
      alerts.push({ rule: 'endpoint-down', subject: e.name, summary: `${e.name}: ${plural(down.length, 'instance')} stopped beating without saying ${down.length === 1 ? 'it stops' : 'they stop'} (${down.map((i) => i.instanceId).join(', ')}); ${plural(e.instances.filter((i) => i.status === 'up').length, 'instance')} up` })
    }
    if (e.criticalMs.p99 !== null && e.criticalMs.p99 > thresholds.maxCriticalP99Ms) {
      alerts.push({ rule: 'critical-time', subject: e.name, summary: `${e.name}: messages waited ${Math.round(e.criticalMs.p99)} ms from sent to handled (p99 over the last minute; more than ${thresholds.maxCriticalP99Ms} ms)` })
    }
  }
  return alerts
}

/** An alert's identity: one of each rule and subject is open at a time. */
export const alertKey = (alert: Pick<Alert, 'rule' | 'subject'>) => `${alert.rule}:${alert.subject}`

/**
 * What changes, from the alerts open to the alerts called for: those to raise (new), and those to clear (no longer
 * called for). One called for that is open already changes nothing, though its numbers moved.
 */
export const alertChanges = <Open extends Pick<Alert, 'rule' | 'subject'>>(open: readonly Open[], now: readonly Alert[]) => {
  const openKeys = new Set(open.map(alertKey))
  const nowKeys = new Set(now.map(alertKey))
  return { raise: now.filter((a) => !openKeys.has(alertKey(a))), clear: open.filter((a) => !nowKeys.has(alertKey(a))) }
}
