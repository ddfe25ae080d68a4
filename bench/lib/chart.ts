import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'

/** One panel of horizontal bars: a bar per series (p50, p99, …) for each group (a shape, a peer). */
export interface BarPanel {
  readonly title: string
  readonly rows: readonly { readonly group: string; readonly series: string; readonly value: number }[]
}

const panelSpec = (panel: BarPanel, groups: readonly string[], width: number) => {
  // Side by side only when there is more than one series: a lone series takes the whole band, and needs no legend.
  const several = new Set(panel.rows.map((row) => row.series)).size > 1
  return {
    title: { text: panel.title, anchor: 'start' as const, fontSize: 13, offset: 8 },
    width,
    data: { values: panel.rows.map((row) => ({ ...row })) },
    encoding: {
      y: { field: 'group', type: 'nominal' as const, sort: [...groups], title: null, axis: { labelLimit: 400 } },
      ...(several && { yOffset: { field: 'series', type: 'nominal' as const } }),
      x: { field: 'value', type: 'quantitative' as const, title: null },
      color: { field: 'series', type: 'nominal' as const, title: null, legend: several ? { orient: 'bottom' as const, direction: 'horizontal' as const } : null },
    },
    layer: [
      { mark: { type: 'bar' as const, height: { band: 0.8 } } },
      { mark: { type: 'text' as const, align: 'left' as const, dx: 3, fontSize: 10 }, encoding: { text: { field: 'value', type: 'quantitative' as const, format: ',.4~r' }, color: { value: '#333' } } },
    ],
  }
}

/** Panels stacked one above the other, rendered to SVG in pure JS (vega-lite → vega, no browser or canvas). */
export const barPanelsSvg = async (title: string, subtitle: string, panels: readonly BarPanel[], width = 520): Promise<string> => {
  const groups = [...new Set(panels.flatMap((panel) => panel.rows.map((row) => row.group)))]
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, anchor: 'start', fontSize: 16, subtitleFontSize: 11, offset: 14 },
    config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11 }, legend: { labelFontSize: 11 } },
    background: 'white',
    padding: 12,
    vconcat: panels.map((panel) => panelSpec(panel, groups, width)),
    resolve: { scale: { color: 'independent', x: 'independent' } },
  } as TopLevelSpec
  const view = new View(parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
