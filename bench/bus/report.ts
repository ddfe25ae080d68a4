import type { FixedLoadResult, SaturationResult } from '../lib/load.ts'
import { ratio } from '../lib/stats.ts'
import type { BarPanel } from '../lib/chart.ts'
import type { SubjectPlan } from './subject.ts'

export type Outcome =
  | { readonly status: 'ran'; readonly details: Record<string, unknown>; readonly fixedLoad: FixedLoadResult; readonly saturation: SaturationResult }
  | { readonly status: 'skipped' | 'failed'; readonly reason: string; readonly details?: Record<string, unknown> }

export type SubjectResult = Pick<SubjectPlan, 'id' | 'label' | 'kind'> & Outcome

type Ran = SubjectResult & { status: 'ran' }
const ran = (results: readonly SubjectResult[]) => results.filter((r): r is Ran => r.status === 'ran')

/**
 * Each shape against each peer of the same run. Throughput: shape ÷ peer (0.25 = a quarter of the peer's).
 * Latency: shape ÷ peer (3 = three times the peer's p50).
 */
export const ratiosOf = (results: readonly SubjectResult[]) => {
  const peers = ran(results).filter((r) => r.kind === 'peer')
  return Object.fromEntries(ran(results).filter((r) => r.kind === 'shape').map((shape) => [shape.id, Object.fromEntries(peers.map((peer) => [`vs ${peer.id}`, {
    saturationThroughput: ratio(shape.saturation.throughputPerSecond, peer.saturation.throughputPerSecond),
    saturationP50: ratio(shape.saturation.latencyMs.p50, peer.saturation.latencyMs.p50),
    fixedLoadP50: ratio(shape.fixedLoad.latencyMs.p50, peer.fixedLoad.latencyMs.p50),
  }]))]))
}

export type Ratios = ReturnType<typeof ratiosOf>

export const chartPanels = (results: readonly SubjectResult[], rate: number, outstanding: number): BarPanel[] => {
  const measured = ran(results)
  return [
    { title: `Saturation throughput, round trips/s (${outstanding} outstanding)`, rows: measured.map((r) => ({ group: r.label, series: 'round trips/s', value: r.saturation.throughputPerSecond })) },
    { title: `Latency at saturation, ms (${outstanding} outstanding)`, rows: measured.flatMap((r) => (['p50', 'p99'] as const).map((p) => ({ group: r.label, series: p, value: r.saturation.latencyMs[p] }))) },
    { title: `Latency at a fixed load of ${rate}/s, ms`, rows: measured.flatMap((r) => (['p50', 'p99'] as const).map((p) => ({ group: r.label, series: p, value: r.fixedLoad.latencyMs[p] }))) },
  ]
}

const cell = (x: number | null | undefined, suffix = '') => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${x}${suffix}`)

export const markdownOf = (run: {
  date: string
  machine: { cpu: string; cores: number; node: string; loadAverage: number[] }
  settings: { seconds: number; ratePerSecond: number; outstanding: number; concurrency: number }
  results: readonly SubjectResult[]
  ratios: Ratios
  notes: readonly string[]
}) => {
  const { settings: s } = run
  const lines = [
    `# Bus round trips (${run.date})`,
    '',
    `${run.machine.cores} × ${run.machine.cpu}, Node ${run.machine.node}, load average at start ${run.machine.loadAverage.join(' / ')}. ` +
      `Fixed load: ${s.ratePerSecond}/s open loop for ${s.seconds} s; saturation: ${s.outstanding} outstanding for ${s.seconds} s; ` +
      `concurrency / prefetch ${s.concurrency}. A shared, noisy machine: read the ratios, not the absolute numbers.`,
    '',
    `| subject | fixed load: achieved/s | p50 ms | p90 ms | p99 ms | saturation: round trips/s | p50 ms | p99 ms |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|`,
    ...run.results.map((r) => r.status === 'ran'
      ? `| ${r.label} | ${r.fixedLoad.achievedPerSecond}${r.fixedLoad.failed ? ` (${r.fixedLoad.failed} failed)` : ''} | ${r.fixedLoad.latencyMs.p50} | ${r.fixedLoad.latencyMs.p90} | ${r.fixedLoad.latencyMs.p99} | ${r.saturation.throughputPerSecond}${r.saturation.failed ? ` (${r.saturation.failed} failed)` : ''} | ${r.saturation.latencyMs.p50} | ${r.saturation.latencyMs.p99} |`
      : `| ${r.label} | ${r.status}: ${r.reason.replaceAll('|', '\\|')} |${' |'.repeat(6)}`),
    '',
    'Ratios, shape ÷ peer: throughput below 1 is slower than the peer, latency above 1 is slower than the peer.',
    '',
  ]
  const peers = [...new Set(Object.values(run.ratios).flatMap((byPeer) => Object.keys(byPeer)))]
  if (peers.length === 0) {
    lines.push('No ratios: no shape and peer both ran.')
  } else {
    lines.push(
      `| shape | ${peers.map((p) => `throughput ${p}`).join(' | ')} | ${peers.map((p) => `p50 at fixed load ${p}`).join(' | ')} | ${peers.map((p) => `p50 at saturation ${p}`).join(' | ')} |`,
      `|---|${peers.map(() => '---:|').join('').repeat(3)}`,
      ...Object.entries(run.ratios).map(([shape, byPeer]) => {
        const of = (key: 'saturationThroughput' | 'fixedLoadP50' | 'saturationP50') => peers.map((p) => cell(byPeer[p]?.[key], '×')).join(' | ')
        return `| ${run.results.find((r) => r.id === shape)?.label ?? shape} | ${of('saturationThroughput')} | ${of('fixedLoadP50')} | ${of('saturationP50')} |`
      }),
    )
  }
  lines.push('', ...run.notes.map((note) => `- ${note}`), '')
  return lines.join('\n')
}
