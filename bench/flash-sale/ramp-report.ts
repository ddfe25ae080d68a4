import type { Panel } from '../lib/chart.ts'
import { ratio } from '../lib/stats.ts'
import type { RampSubject } from './ramp-subjects.ts'
import type { Settings } from './settings.ts'

type RanRamp = Extract<RampSubject, { status: 'ran' }>
const ranRamps = (subjects: readonly RampSubject[]) => subjects.filter((s): s is RanRamp => s.status === 'ran')

/** `ramp.<shape>.<system>`: the steps, the knee and why the ramp stopped (or why it did not run). */
export const rampJson = (subjects: readonly RampSubject[]) => {
  const byShape: Record<string, Record<string, unknown>> = {}
  for (const s of subjects) {
    const { shape, system, ...rest } = s
    byShape[shape] = { ...byShape[shape], [system]: rest }
  }
  return byShape
}

/** Popcorn's knee ÷ the naive site's, per shape where both ran; null when the naive site kept up at no step. */
export const kneeRatios = (subjects: readonly RampSubject[]) => {
  const ran = ranRamps(subjects)
  return Object.fromEntries([...new Set(ran.map((s) => s.shape))].flatMap((shape) => {
    const popcorn = ran.find((s) => s.shape === shape && s.system === 'popcorn')
    const naive = ran.find((s) => s.shape === shape && s.system === 'naive')
    return popcorn && naive ? [[shape, ratio(popcorn.kneeOrdersPerSecond, naive.kneeOrdersPerSecond)]] : []
  }))
}

/** Per shape: decided per second against offered (the diagonal is keeping up), and the result's p99 per step. */
export const rampPanels = (subjects: readonly RampSubject[]): Panel[] => {
  const ran = ranRamps(subjects)
  return [...new Set(ran.map((s) => s.shape))].flatMap((shape): Panel[] => {
    const of = ran.filter((s) => s.shape === shape)
    const offered = [...new Set(of.flatMap((s) => s.steps.map((step) => step.offeredPerSecond)))]
    return [
      {
        kind: 'lines',
        title: `${shape} ramp: decided per second at each offered rate`,
        xTitle: 'orders offered per second (open loop, 10 s a step)',
        points: [
          ...offered.map((x) => ({ x, series: 'offered', value: x })),
          ...of.flatMap((s) => s.steps.map((step) => ({ x: step.offeredPerSecond, series: `${s.label} decided/s`, value: step.decidedPerSecond }))),
        ],
      },
      {
        kind: 'lines',
        title: `${shape} ramp: result p99 at each offered rate, ms (the knee needs ≤ 1,000)`,
        xTitle: 'orders offered per second',
        points: of.flatMap((s) => s.steps.flatMap((step) => (Number.isFinite(step.resultMs.p99) ? [{ x: step.offeredPerSecond, series: `${s.label} result p99`, value: step.resultMs.p99 }] : []))),
      },
    ]
  })
}

const codes = (errors: Record<string, number>) => Object.entries(errors).map(([code, n]) => `${code} ${n}`).join(', ') || '0'
/** Milliseconds of CPU per decided order: the system's own processes, and with its database and broker servers. */
const cpuPerOrder = (step: RanRamp['steps'][number]) => {
  const used = Object.entries(step.cpuSeconds ?? {}).filter(([name]) => name !== 'bench')
  const own = used.filter(([name]) => !['postgresql', 'rabbitmq'].includes(name)).reduce((sum, [, s]) => sum + s, 0)
  const all = used.reduce((sum, [, s]) => sum + s, 0)
  const decided = step.decidedPerSecond * step.seconds
  const per = (seconds: number) => ((seconds * 1000) / decided).toFixed(2)
  return decided > 0 && own > 0 ? `${per(own)}${all > own ? ` (${per(all)} with the servers)` : ''} ms` : '—'
}

/** CPU and memory each of the connected buyers' sockets cost a Popcorn process. */
const connectionsOf = (s: RanRamp) => {
  const c = s.details.connections as Record<string, { cpuMsPerConnection: number | null; kbPerConnection: number | null }> | undefined
  if (!c) return ''
  return `; per connection ${Object.entries(c).map(([name, x]) => `${name} ${x.cpuMsPerConnection ?? '?'} ms CPU to open, ${x.kbPerConnection ?? '?'} KB held`).join(', ')}`
}

export const rampMarkdown = (settings: Settings, subjects: readonly RampSubject[], knees: Record<string, number | null>) => {
  if (subjects.length === 0) return []
  const r = settings.ramp
  return [
    '## Ramp',
    '',
    `Buyers connected beforehand (Popcorn: ${r.sockets} realtime clients, each its own browser session; naive: keep-alive HTTP) order for an arena-sized strict showing ` +
      `(${r.capacity.toLocaleString('en')} seats), open loop at ${r.rates.join(', ')} orders a second, ${r.stepSeconds} s a step. ` +
      'Latencies count from when each order was due. A step keeps up when decided per second (outcomes that came in during its seconds) is at least 95 % of offered, ' +
      'result p99 ≤ 1 s and errors are 0; the knee is the highest step that kept up, and the ramp stops at the first that did not.',
    '',
    '| subject | offered/s | sent (late) | decided/s | ack p50 / p99 ms | result p50 / p99 ms | errors | CPU per decided order | kept up |',
    '|---|---:|---:|---:|---:|---:|---|---:|---|',
    ...subjects.flatMap((s) => s.status !== 'ran'
      ? [`| ${s.label} | ${s.status}: ${s.reason.split('\n')[0]!.replaceAll('|', '\\|')} |${' |'.repeat(7)}`]
      : s.steps.map((step) => `| ${s.label} | ${step.offeredPerSecond} | ${step.sent} (${step.sentLate}) | ${step.decidedPerSecond} | ${step.ackMs.p50} / ${step.ackMs.p99} | ` +
        `${step.resultMs.p50} / ${step.resultMs.p99} | ${codes(step.errors)} | ${cpuPerOrder(step)} | ${step.keptUp ? 'yes' : 'no'} |`)),
    '',
    ...ranRamps(subjects).map((s) => `- ${s.label}: knee ${s.kneeOrdersPerSecond} orders/s (${s.stoppedAfter})${connectionsOf(s)}`),
    ...Object.entries(knees).map(([shape, x]) => `- ${shape}: knee Popcorn ÷ naive ${x === null ? '— (the naive site kept up at no step)' : `${x}×`}`),
    '',
  ]
}
