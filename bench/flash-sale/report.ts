import type { Panel } from '../lib/chart.ts'
import { ratio } from '../lib/stats.ts'
import type { LeftInQueue } from './rabbit.ts'
import type { Settings } from './settings.ts'
import { ran, type Ran, type SubjectResult } from './subject.ts'

const errorCount = (r: Ran) => Object.values(r.metrics.errors).reduce((sum, n) => sum + n, 0)

/** Popcorn ÷ naive on each shape where both ran. Latency below 1: Popcorn answers sooner; throughput above 1: it decides more per second. */
export const ratiosOf = (results: readonly SubjectResult[]) => {
  const measured = ran(results)
  const shapes = [...new Set(measured.map((r) => r.shape))]
  return Object.fromEntries(shapes.flatMap((shape) => {
    const popcorn = measured.find((r) => r.shape === shape && r.system === 'popcorn')
    const naive = measured.find((r) => r.shape === shape && r.system === 'naive')
    if (!popcorn || !naive) return []
    const p = popcorn.metrics
    const n = naive.metrics
    return [[shape, {
      ackP50: ratio(p.ackMs.p50, n.ackMs.p50),
      ackP99: ratio(p.ackMs.p99, n.ackMs.p99),
      resultP50: ratio(p.resultMs.p50, n.resultMs.p50),
      resultP99: ratio(p.resultMs.p99, n.resultMs.p99),
      arrivalToResultP50: ratio(p.arrivalToResultMs.p50, n.arrivalToResultMs.p50),
      arrivalToResultP99: ratio(p.arrivalToResultMs.p99, n.arrivalToResultMs.p99),
      ordersPerSecond: ratio(p.ordersPerSecond ?? undefined, n.ordersPerSecond ?? undefined),
      errors: { popcorn: errorCount(popcorn), naive: errorCount(naive) },
    }]]
  }))
}

export type Ratios = ReturnType<typeof ratiosOf>

const latencyPanel = (title: string, results: readonly Ran[], pick: (r: Ran) => { p50: number; p99: number }): Panel => ({
  title,
  scale: 'log',
  rows: results.flatMap((r) => (['p50', 'p99'] as const).flatMap((p) => (Number.isFinite(pick(r)[p]) ? [{ group: r.label, series: p, value: pick(r)[p] }] : []))),
})

/** Latencies side by side (log scale: the two systems differ by orders of magnitude), then each shape over time. */
export const chartPanels = (results: readonly SubjectResult[]): Panel[] => {
  const measured = ran(results)
  const shapes = [...new Set(measured.map((r) => r.shape))]
  const overTime = shapes.flatMap((shape): Panel[] => {
    const subjects = measured.filter((r) => r.shape === shape)
    const points = (r: Ran, series: string, values: readonly number[]) => values.map((value, i) => ({ x: (i * r.metrics.timeline.bucketMs) / 1000, series, value }))
    const popcorn = subjects.find((r) => r.system === 'popcorn')
    const naive = subjects.find((r) => r.system === 'naive')
    const any = popcorn ?? naive!
    return [
      {
        kind: 'lines',
        title: `${shape}: per second (buckets of ${any.metrics.timeline.bucketMs} ms)`,
        xTitle: 'seconds since the first arrival',
        points: [
          ...points(any, 'arrivals', any.metrics.timeline.perSecond.arrivals),
          ...(popcorn?.metrics.joinMs.count ? points(popcorn, 'Popcorn joins answered', popcorn.metrics.timeline.perSecond.joins) : []),
          ...(popcorn ? [...points(popcorn, 'Popcorn acks', popcorn.metrics.timeline.perSecond.acknowledgements), ...points(popcorn, 'Popcorn outcomes', popcorn.metrics.timeline.perSecond.outcomes)] : []),
          ...(popcorn?.metrics.waitingRoom.firstSeenOnAt != null
            ? popcorn.metrics.timeline.roomRate.flatMap((value, i) => (value === null ? [] : [{ x: (i * popcorn.metrics.timeline.bucketMs) / 1000, series: 'Popcorn room outflow', value }]))
            : []),
          ...(naive ? points(naive, 'naive answers', naive.metrics.timeline.perSecond.outcomes) : []),
          ...(naive ? points(naive, 'naive errors', naive.metrics.timeline.perSecond.errors) : []),
        ],
      },
      {
        kind: 'lines',
        title: `${shape}: people waiting`,
        xTitle: 'seconds since the first arrival',
        points: [
          ...(popcorn?.metrics.waitingRoom.waited ? points(popcorn, 'Popcorn: in the waiting room', popcorn.metrics.timeline.waiting) : []),
          ...(popcorn ? points(popcorn, 'Popcorn: order undecided', popcorn.metrics.timeline.undecided) : []),
          ...(naive ? points(naive, 'naive: request unanswered', naive.metrics.timeline.undecided) : []),
        ],
      },
    ]
  })
  return [
    latencyPanel('Acknowledgement: submit → answer, ms (log scale)', measured, (r) => r.metrics.ackMs),
    latencyPanel('Result: submit → outcome, ms (log scale)', measured, (r) => r.metrics.resultMs),
    latencyPanel('Arrival on the page → outcome (connect and waiting room included), ms (log scale)', measured, (r) => r.metrics.arrivalToResultMs),
    { title: 'Orders decided per second (decided ÷ first submit to last outcome)', rows: measured.map((r) => ({ group: r.label, series: 'orders/s', value: r.metrics.ordersPerSecond ?? 0 })) },
    ...overTime,
  ]
}

const cell = (x: number | null | undefined, suffix = '') => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${x}${suffix}`)
/** Milliseconds to read at a glance: whole above 100, one decimal below. */
const ms = (x: number | null | undefined) => cell(x === null || x === undefined ? x : x >= 100 ? Math.round(x) : Math.round(x * 10) / 10)
const codes = (errors: Record<string, number>) => Object.entries(errors).map(([code, n]) => `${code} ${n}`).join(', ') || '0'
const outcomes = (tally: Record<string, number>) => Object.entries(tally).map(([k, n]) => `${k} ${n}`).join(', ') || '—'

/** A queue's leftovers (messages, distinct ids, by type), or what went wrong reading them. */
const describeLeft = (queue: string, left: unknown) => {
  const l = left as Partial<LeftInQueue> | undefined
  return l?.byType ? `${queue} ${l.messages} (${l.distinct} distinct: ${codes(l.byType)})` : `${queue}: ${String(left)}`
}

export const markdownOf = (run: {
  date: string
  machine: { cpu: string; cores: number; node: string; loadAverage: number[] }
  settings: Settings
  capacity: number
  results: readonly SubjectResult[]
  ratios: Ratios
  notes: readonly string[]
}) => {
  const s = run.settings
  const lines = [
    `# Flash sale (${run.date})`,
    '',
    `${run.machine.cores} × ${run.machine.cpu}, Node ${run.machine.node}, load average at start ${run.machine.loadAverage.join(' / ')}. ` +
      `${s.buyers} buyers per subject arriving over ${s.burstMs / 1000} s: ${100 - s.drawingPercent}% for \`${s.hotShowing}\` (${run.capacity} seats), ` +
      `${s.drawingPercent}% entering the drawing \`${s.drawingShowing}\`; 1–4 tickets each (the same people, seed ${s.seed}, for every subject); ` +
      `deadline ${s.deadlineSeconds} s per subject. A shared, noisy machine: read the ratios, not the absolute numbers.`,
    '',
    '| subject | connect p50 / p99 ms | ack p50 / p99 ms | result p50 / p99 ms | arrival → result p50 / p99 ms | orders/s | waited (p50 / p99 ms) | outcomes | oversold (outcomes / db) | lost | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|',
    ...run.results.map((r) => {
      if (r.status !== 'ran') return `| ${r.label} | ${r.status}: ${r.reason.replaceAll('|', '\\|').split('\n')[0]} |${' |'.repeat(9)}`
      const m = r.metrics
      const room = m.waitingRoom
      const connect = r.system === 'popcorn' ? `${ms(m.connectMs.p50)} / ${ms(m.connectMs.p99)}` : 'in the request'
      return `| ${r.label} | ${connect} | ${ms(m.ackMs.p50)} / ${ms(m.ackMs.p99)} | ${ms(m.resultMs.p50)} / ${ms(m.resultMs.p99)} | ${ms(m.arrivalToResultMs.p50)} / ${ms(m.arrivalToResultMs.p99)} | ` +
        `${cell(m.ordersPerSecond)} | ${room.waited ? `${room.waited} (${ms(room.waitMs.p50)} / ${ms(room.waitMs.p99)})` : '0'} | ${outcomes(m.outcomes)}${m.toldAcceptedThenCancelled ? ` · ${m.toldAcceptedThenCancelled} told "accepted" at the ack, then cancelled` : ''} | ` +
        `${r.oversold.fromOutcomes} / ${r.oversold.fromDatabase} | ${r.lost} | ${codes(m.errors)} |`
    }),
    '',
    'Per subject: how the crowd ended, how long the arrivals took (the plan spreads them evenly), CPU seconds per process while the crowd ran, and what the checks after it found:',
    '',
    ...ran(run.results).map((r) => {
      const m = r.metrics
      const cpu = Object.entries(r.usage.cpuSeconds).map(([name, seconds]) => `${name} ${seconds}`).join(', ')
      const checks = r.checks as { overHttp?: { decidedAfterTheEnd: number; decidedButNotPushed: number; pushedDiffersFromServer: number }; database?: { errorQueue?: Record<string, number>; stillQueued?: Record<string, number>; erroredButTaken?: number; lostButStored?: number; lostWithCommandQueued?: number }; leftInBroker?: Record<string, unknown>; serverLog?: Record<string, { counts: Record<string, number> }> }
      const found = [
        ...(r.lost ? [`the ${r.lost} lost: stored undecided ${checks.database?.lostButStored ?? '?'}, command still in the database queue ${checks.database?.lostWithCommandQueued ?? '?'}`] : []),
        ...(checks.overHttp ? [`decided after the end ${checks.overHttp.decidedAfterTheEnd}`, `decided but not pushed ${checks.overHttp.decidedButNotPushed}`, `pushed ≠ server ${checks.overHttp.pushedDiffersFromServer}`] : []),
        ...(checks.database?.errorQueue ? [`error queue ${codes(checks.database.errorQueue)}`] : []),
        ...(checks.database?.stillQueued ? [`left queued ${codes(checks.database.stillQueued)}`] : []),
        ...(checks.leftInBroker ? [`left in RabbitMQ ${Object.entries(checks.leftInBroker).map(([queue, left]) => describeLeft(queue, left)).join(', ') || '0'}`] : []),
        ...Object.entries(checks.serverLog ?? {}).map(([name, log]) => `${name} logged ${Object.keys(log.counts).length ? codes(log.counts).replaceAll('|', '\\|') : 'nothing at warn or above'}`),
        ...(checks.database?.erroredButTaken !== undefined ? [`answered with an error yet taken ${checks.database.erroredButTaken}`] : []),
      ]
      const room = (checks.database as { waitingRoom?: { rememberedCapacity?: number; places?: number } | null } | undefined)?.waitingRoom
      const roomSeen = m.joinMs.count
        ? `; joins answered p50 ${ms(m.joinMs.p50)} / p99 ${ms(m.joinMs.p99)} ms, the room ${m.waitingRoom.firstSeenOnAt === null ? 'never seen on' : `first seen on at ${ms(m.waitingRoom.firstSeenOnAt / 1000)} s, outflow up to ${m.waitingRoom.maxRatePerSecond}/s`}` +
          `${room?.rememberedCapacity !== undefined ? `, capacity it remembered at the end ${Math.round(room.rememberedCapacity)}/s` : ''}`
        : ''
      return `- ${r.label}: ${m.ending} after ${r.usage.wallSeconds} s${roomSeen}; arrivals over ${m.arrivals.spanSeconds} s (planned ${s.burstMs / 1000} s, late p99 ${m.arrivals.lateMs.p99} ms); ` +
        `acknowledged as ${outcomes(m.acknowledgedAs)}${m.connectRetries ? `; ${m.connectRetries} socket connects retried` : ''}; CPU s: ${cpu}; ${found.join(', ')}`
    }),
    '',
    'Ratios, Popcorn ÷ naive on the same shape: latency below 1× means Popcorn answers sooner; orders/s above 1× means it decides more per second.',
    '',
  ]
  const shapes = Object.keys(run.ratios)
  if (shapes.length === 0) lines.push('No ratios: no shape where both Popcorn and the naive site ran.')
  else {
    lines.push(
      '| shape | ack p50 | ack p99 | result p50 | result p99 | arrival → result p50 | arrival → result p99 | orders/s | errors (Popcorn / naive) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...shapes.map((shape) => {
        const x = run.ratios[shape]!
        return `| ${shape} | ${cell(x.ackP50, '×')} | ${cell(x.ackP99, '×')} | ${cell(x.resultP50, '×')} | ${cell(x.resultP99, '×')} | ${cell(x.arrivalToResultP50, '×')} | ${cell(x.arrivalToResultP99, '×')} | ${cell(x.ordersPerSecond, '×')} | ${x.errors.popcorn} / ${x.errors.naive} |`
      }),
    )
  }
  lines.push('', ...run.notes.map((note) => `- ${note}`), '')
  return lines.join('\n')
}
