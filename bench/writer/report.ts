import type { Panel } from '../lib/chart.ts'
import { ratio } from '../lib/stats.ts'
import type { Settings } from './settings.ts'
import { ran, type Ran, type SubjectResult } from './subject.ts'

const pair = (results: readonly SubjectResult[], shape: string) => {
  const measured = ran(results)
  return { popcorn: measured.find((r) => r.shape === shape && r.system === 'popcorn'), naive: measured.find((r) => r.shape === shape && r.system === 'naive') }
}

const shapesOf = (results: readonly SubjectResult[]) => [...new Set(ran(results).map((r) => r.shape))]

/** Popcorn ÷ naive decisions per second, on each shape where both ran: above 1, Popcorn's writer decides more per second. */
export const ratiosOf = (results: readonly SubjectResult[]) =>
  Object.fromEntries(shapesOf(results).flatMap((shape) => {
    const { popcorn, naive } = pair(results, shape)
    return popcorn && naive ? [[shape, ratio(popcorn.decisionsPerSecond, naive.decisionsPerSecond)]] : []
  }))

/** Popcorn ÷ naive latency: below 1, Popcorn's orders are decided sooner after their commit than the naive transactions take. */
export const latencyRatiosOf = (results: readonly SubjectResult[]) =>
  Object.fromEntries(shapesOf(results).flatMap((shape) => {
    const { popcorn, naive } = pair(results, shape)
    return popcorn && naive ? [[shape, { p50: ratio(popcorn.p50Ms, naive.p50Ms), p99: ratio(popcorn.p99Ms, naive.p99Ms) }]] : []
  }))

const systemName = (r: Ran) => (r.system === 'popcorn' ? 'Popcorn' : 'naive')

export const chartPanels = (results: readonly SubjectResult[]): Panel[] => {
  const measured = ran(results)
  return [
    { title: 'Orders decided per second, per shape', rows: measured.map((r) => ({ group: r.shape, series: systemName(r), value: r.decisionsPerSecond })) },
    {
      title: 'Latency, ms (log scale): Popcorn commit → OrderOutcome; naive: its transaction',
      scale: 'log',
      rows: measured.flatMap((r) => (['p50', 'p99'] as const).map((p) => ({ group: `${r.shape} · ${systemName(r)}`, series: p, value: r.latencyMs[p] }))),
    },
  ]
}

const cell = (x: number | null | undefined, suffix = '') => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${x}${suffix}`)
/** Milliseconds to read at a glance: whole above 100, one decimal below. */
const ms = (x: number) => cell(Number.isFinite(x) ? (x >= 100 ? Math.round(x) : Math.round(x * 10) / 10) : Number.NaN)

/** Popcorn's producer details, as the run wrote them. */
interface Producer { readonly chunk: number; readonly producers: number; readonly window: number; readonly waitingShare: number; readonly mostUndecided: number }

/**
 * Who set Popcorn's pace. A full window (the producer waiting) means the writer did. Otherwise the undecided orders
 * say it: many more than the chunks in flight, and the writer ran behind the producer without the window filling
 * (the producer, the writer and the database share the cores); about as many, and the writer kept up, so its
 * decisions/s are what the producer offered — a floor of what it can do, not its ceiling.
 */
const pacing = (results: readonly SubjectResult[]) => {
  const lines = ran(results).flatMap((r) => {
    const p = r.details.producer as Producer | undefined
    if (r.system !== 'popcorn' || !p) return []
    const inFlight = p.chunk * p.producers
    const paced = p.waitingShare >= 0.05
      ? 'the window was full: the writer set the pace'
      : p.mostUndecided > 2 * inFlight
        ? `the window never filled, yet up to ${p.mostUndecided} orders waited for the writer (${inFlight} are in flight in the producer's transactions): it ran behind the producer, which shares the cores with it and the database`
        : 'the writer kept up with the producer, so its decisions/s are what the producer offered: a floor of what it can do, not its ceiling'
    return [`- ${r.label}: the producer waited for the window ${Math.round(p.waitingShare * 100)}% of its time, at most ${p.mostUndecided} of ${p.window} undecided — ${paced}.`]
  })
  return lines.length ? [...lines, ''] : []
}

export const markdownOf = (run: {
  date: string
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; loadAverage: number[] }
  settings: Settings
  results: readonly SubjectResult[]
  notes: readonly string[]
}) => {
  const s = run.settings
  const m = run.machine
  const ratios = ratiosOf(run.results)
  const latency = latencyRatiosOf(run.results)
  const lines = [
    `# The writer alone (${run.date})`,
    '',
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average at start ${m.loadAverage.join(' / ')}. ` +
      `${s.orders} orders per subject (after ${s.warmUpOrders} unmeasured), 1–4 tickets each, for one strict regular showing of ${s.capacity.toLocaleString('en')} seats. ` +
      `Popcorn: chunks of ${s.chunk} orders per producer transaction, ${s.producers} producer transactions at once, at most ${s.window} undecided. ` +
      `Naive: ${s.naiveClients} clients. A shared, noisy machine: read the ratios, not the absolute numbers.`,
    '',
    '| subject | decided | seconds | decisions/s | p50 ms | p90 ms | p99 ms | max ms | CPU ms per decision | server CPU ms per decision | all CPU ms per decision | checks |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...run.results.map((r) => {
      if (r.status !== 'ran') return `| ${r.label} | ${r.status}: ${r.reason.replaceAll('|', '\\|').split('\n')[0]} |${' |'.repeat(10)}`
      const l = r.latencyMs
      return `| ${r.label} | ${r.decided}/${r.orders} | ${r.seconds} | ${r.decisionsPerSecond} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} | ` +
        `${cell(r.cpu.cpuMsPerDecision)}${r.cpu.cpuMsPerDecision === null ? '' : ` (${r.cpu.decidingProcess})`} | ` +
        `${cell(r.cpu.serverMsPerDecision)} | ${cell(r.cpu.allMsPerDecision)} | ` +
        `${r.checks.verified ? 'each order decided exactly once' : r.checks.problems.join('; ').replaceAll('|', '\\|')} |`
    }),
    '',
    ...pacing(run.results),
    'Popcorn ÷ naive on the same shape: decisions/s above 1× means Popcorn\'s writer decides more per second; latency below 1× means its orders are decided sooner.',
    '',
  ]
  const shapes = Object.keys(ratios)
  if (shapes.length === 0) lines.push('No ratios: no shape where both Popcorn and the naive decision ran.')
  else {
    lines.push(
      '| shape | decisions/s | p50 | p99 |',
      '|---|---:|---:|---:|',
      ...shapes.map((shape) => `| ${shape} | ${cell(ratios[shape], '×')} | ${cell(latency[shape]?.p50, '×')} | ${cell(latency[shape]?.p99, '×')} |`),
    )
  }
  lines.push('', ...run.notes.map((note) => `- ${note}`), '')
  return lines.join('\n')
}
