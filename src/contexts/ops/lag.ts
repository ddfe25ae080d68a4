import type { GaugeReading } from '../../adapters/metrics/prometheus.ts'

export interface ProjectionLag {
  readonly projection: string
  /** Writes it has not taken in yet. */
  readonly pending: number
  /** Age of the oldest of them, in seconds (0: up to date). */
  readonly lagSeconds: number
}

/** Each shared projection's lag, from the contexts' gauges (as `/metrics` serves them). */
export const projectionsOf = (readings: readonly GaugeReading[]): ProjectionLag[] => {
  const of = (name: string) => new Map(readings.filter((r) => r.name === name).flatMap((r) => r.samples).map((s) => [s.labels?.projection ?? '', s.value]))
  const lag = of('popcorn_projection_lag_seconds')
  const pending = of('popcorn_projection_pending')
  return [...lag.keys()].sort().map((projection) => ({ projection, lagSeconds: lag.get(projection) ?? 0, pending: pending.get(projection) ?? 0 }))
}

