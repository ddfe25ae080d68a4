import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'

/** One panel of horizontal bars: a bar per series (p50, p99, …) for each group (a shape, a peer). */
export interface BarPanel {
  readonly kind?: 'bars'
  readonly title: string
  readonly rows: readonly { readonly group: string; readonly series: string; readonly value: number }[]
  /** Log for figures that span orders of magnitude (latencies of very different systems side by side). */
  readonly scale?: 'linear' | 'log'
}

/** One panel of lines over time: a line per series (arrivals/s, outcomes/s, people waiting, …). */
export interface LinePanel {
  readonly kind: 'lines'
  readonly title: string
  readonly xTitle: string
  readonly points: readonly { readonly x: number; readonly series: string; readonly value: number }[]
  readonly height?: number
}

export type Panel = BarPanel | LinePanel

const label = { type: 'text' as const, align: 'left' as const, dx: 3, fontSize: 10 }

const barSpec = (panel: BarPanel, groups: readonly string[], width: number) => {
  // Side by side only when there is more than one series: a lone series takes the whole band, and needs no legend.
  const several = new Set(panel.rows.map((row) => row.series)).size > 1
  const positive = panel.rows.map((row) => row.value).filter((value) => value > 0)
  // A log scale has no zero: bars start at the power of ten below the smallest value.
  const floor = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)))
  const log = panel.scale === 'log'
  return {
    title: { text: panel.title, anchor: 'start' as const, fontSize: 13, offset: 8 },
    width,
    data: { values: panel.rows.map((row) => ({ ...row, value: log ? Math.max(row.value, floor) : row.value, shown: row.value })) },
    encoding: {
      y: { field: 'group', type: 'nominal' as const, sort: [...groups], title: null, axis: { labelLimit: 400 } },
      ...(several && { yOffset: { field: 'series', type: 'nominal' as const } }),
      x: { field: 'value', type: 'quantitative' as const, title: null, ...(log && { scale: { type: 'log' as const, domainMin: floor } }) },
      color: { field: 'series', type: 'nominal' as const, title: null, legend: several ? { orient: 'bottom' as const, direction: 'horizontal' as const } : null },
    },
    layer: [
      { mark: { type: 'bar' as const, height: { band: 0.8 } }, ...(log && { encoding: { x2: { datum: floor } } }) },
      { mark: label, encoding: { text: { field: 'shown', type: 'quantitative' as const, format: ',.4~r' }, color: { value: '#333' } } },
    ],
  }
}

const lineSpec = (panel: LinePanel, width: number) => ({
  title: { text: panel.title, anchor: 'start' as const, fontSize: 13, offset: 8 },
  width,
  height: panel.height ?? 140,
  data: { values: panel.points.map((point) => ({ ...point })) },
  mark: { type: 'line' as const, interpolate: 'step-after' as const, strokeWidth: 1.5 },
  encoding: {
    x: { field: 'x', type: 'quantitative' as const, title: panel.xTitle },
    y: { field: 'value', type: 'quantitative' as const, title: null },
    color: { field: 'series', type: 'nominal' as const, title: null, legend: { orient: 'bottom' as const, direction: 'horizontal' as const, columns: 3 } },
  },
})

/** Panels stacked one above the other, rendered to SVG in pure JS (vega-lite → vega, no browser or canvas). */
export const panelsSvg = async (title: string, subtitle: string, panels: readonly Panel[], width = 520): Promise<string> => {
  const groups = [...new Set(panels.flatMap((panel) => (panel.kind === 'lines' ? [] : panel.rows.map((row) => row.group))))]
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, anchor: 'start', fontSize: 16, subtitleFontSize: 11, offset: 14 },
    config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11 }, legend: { labelFontSize: 11 } },
    background: 'white',
    padding: 12,
    vconcat: panels.map((panel) => (panel.kind === 'lines' ? lineSpec(panel, width) : barSpec(panel, groups, width))),
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
  } as TopLevelSpec
  const view = new View(parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** Bar panels only (bench:bus). */
export const barPanelsSvg = (title: string, subtitle: string, panels: readonly BarPanel[], width = 520): Promise<string> => panelsSvg(title, subtitle, panels, width)
