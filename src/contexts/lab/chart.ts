/** A line chart as the lab's pages draw it: numbers placed in a viewBox, for a template to turn into SVG. */
export interface Chart {
  readonly width: number
  readonly height: number
  readonly lines: readonly { readonly key: string; readonly label: string; readonly points: string }[]
  /** A stretch of time shaded (a service down), in x. */
  readonly band: { readonly x: number; readonly width: number } | null
  readonly xTicks: readonly { readonly x: number; readonly label: string }[]
  readonly yTicks: readonly { readonly y: number; readonly label: string }[]
}

const box = { width: 640, height: 240, left: 44, right: 12, top: 10, bottom: 28 }

/** A round step for about five ticks up to `max`: 1, 2 or 5 times a power of ten. */
export const tickStep = (max: number) => {
  const rough = Math.max(max, 1) / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough)!
}

/**
 * Lines of values over time (milliseconds from the start), on a shared scale: time across, 0 to `yMax` up. A line
 * holds its last value to the end of the time drawn (a run that converged stays converged).
 */
export const lineChart = (series: readonly { key: string; label: string; points: readonly (readonly [number, number])[] }[], yMax: number, band: readonly [number, number] | null): Chart => {
  const xMaxMs = Math.max(1_000, ...series.flatMap((s) => s.points.map(([ms]) => ms)), band ? band[1] : 0)
  const plotWidth = box.width - box.left - box.right
  const plotHeight = box.height - box.top - box.bottom
  const x = (ms: number) => box.left + (ms / xMaxMs) * plotWidth
  const y = (value: number) => box.top + plotHeight - (value / Math.max(yMax, 1)) * plotHeight
  const seconds = tickStep(xMaxMs / 1000)
  const values = tickStep(yMax)
  return {
    width: box.width,
    height: box.height,
    lines: series.map((s) => {
      const last = s.points.at(-1)
      const points = last && last[0] < xMaxMs ? [...s.points, [xMaxMs, last[1]] as const] : s.points
      return { key: s.key, label: s.label, points: points.map(([ms, v]) => `${x(ms).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }
    }),
    band: band ? { x: x(band[0]), width: Math.max(1, x(Math.min(band[1], xMaxMs)) - x(band[0])) } : null,
    xTicks: Array.from({ length: Math.floor(xMaxMs / 1000 / seconds) + 1 }, (_, i) => ({ x: x(i * seconds * 1000), label: `${i * seconds} s` })),
    yTicks: Array.from({ length: Math.floor(yMax / values) + 1 }, (_, i) => ({ y: y(i * values), label: String(i * values) })),
  }
}
