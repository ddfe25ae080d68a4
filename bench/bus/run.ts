import { pino } from 'pino'
import { barPanelsSvg } from '../lib/chart.ts'
import { fixedLoad, saturation, warmUp } from '../lib/load.ts'
import { machine } from '../lib/machine.ts'
import { messageOf, settingsOrExit, writeResults } from '../lib/results.ts'
import { shown, Skip } from '../lib/servers.ts'
import { peerPlans } from './peers.ts'
import { chartPanels, markdownOf, ratiosOf, type SubjectResult } from './report.ts'
import { readSettings } from './settings.ts'
import { shapePlans } from './shapes.ts'
import type { Subject, SubjectPlan } from './subject.ts'

/**
 * `npm run bench:bus`: command → handler → reply round trips on each shape of the messaging core, beside a raw
 * amqplib ceiling and pg-boss, all in one run so that the ratios between them mean something on a noisy machine.
 */
const settings = settingsOrExit(readSettings)
const logger = pino({ level: 'warn' }, pino.destination(2))
const limits = { timeoutMs: settings.timeoutMs, maxRoundTrips: 200_000 }

const plans: SubjectPlan[] = [...shapePlans(settings, logger), ...peerPlans(settings, logger)]
// Whatever happens, the bench ends: every phase is bounded, and this bounds the rest (setup, cleanup).
const deadlineMs = plans.length * (2 * settings.seconds + 90) * 1000
setTimeout(() => {
  console.error(`bench:bus ran past ${deadlineMs / 1000} s; giving up (a throw-away database or queue may be left behind)`)
  process.exit(2)
}, deadlineMs).unref()

let current: Subject | undefined
process.once('SIGINT', () => {
  console.log('\ninterrupted: cleaning up the subject under test')
  void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130))
})

const measure = async (plan: SubjectPlan): Promise<SubjectResult> => {
  const about = { id: plan.id, label: plan.label, kind: plan.kind }
  console.log(`\n▸ ${plan.label}`)
  try {
    current = await plan.open()
  } catch (error) {
    const status = error instanceof Skip ? 'skipped' : 'failed'
    console.log(`  ${status.toUpperCase()}: ${messageOf(error)}`)
    return { ...about, status, reason: messageOf(error) }
  }
  const subject = current
  try {
    await warmUp(subject.roundTrip, settings.warmUpRoundTrips, limits)
    const fixed = await fixedLoad(`fixed load ${settings.ratePerSecond}/s`, subject.roundTrip, settings.ratePerSecond, settings.seconds, limits)
    const saturated = await saturation(`saturation, ${settings.outstanding} outstanding`, subject.roundTrip, settings.outstanding, settings.seconds, limits)
    return { ...about, status: 'ran', details: subject.details, fixedLoad: fixed, saturation: saturated }
  } catch (error) {
    console.log(`  FAILED: ${messageOf(error)}`)
    return { ...about, status: 'failed', reason: messageOf(error), details: subject.details }
  } finally {
    current = undefined
    await subject.close().catch((error: unknown) => console.log(`  cleanup failed (something may be left behind): ${messageOf(error)}`))
  }
}

const started = new Date()
const host = machine()
console.log(`bench:bus · ${host.cores} × ${host.cpu} · Node ${host.node} · ${settings.seconds} s per phase, ${settings.ratePerSecond}/s fixed load, ${settings.outstanding} outstanding at saturation`)
console.log(`PostgreSQL ${shown(settings.databaseUrl)} · RabbitMQ ${shown(settings.brokerUrl)}`)

const results: SubjectResult[] = []
for (const plan of plans) {
  results.push(await measure(plan))
  await new Promise((resolve) => setTimeout(resolve, 1_000)) // let the last one's cleanup settle before the next
}

const boss = results.find((r) => r.id === 'pg-boss')
const bossVersion = boss?.details?.pgBoss
const notes = [
  'A round trip: a command sent and committed, handled by the server endpoint in its transaction (inbox, reply in the outbox/queue), the reply handled by the client endpoint, whose handler wakes the caller (before the reply\'s own transaction commits).',
  'Fixed-load latency counts from the moment each request was due (open loop), so a sender that falls behind shows in it; saturation latency counts from the send.',
  'The amqplib ceiling has no database at all: two durable quorum queues, publisher confirms, manual acks, prefetch = the bus concurrency. The RabbitMQ shape sends its replies to a classic temporary per-instance queue.',
  bossVersion
    ? `pg-boss ${String(bossVersion)} ran (it declares engines node ${String(boss?.details?.declaredNodeEngines)} but loads and works on Node ${process.version}, so v12 was kept rather than falling back to v10): LISTEN/NOTIFY on, polling at its minimum of 0.5 s as the backstop, one fetcher per queue taking batches of up to ${settings.concurrency} jobs (handled together) and fetching again at once while batches come back full (localConcurrency 1, batchSize ${settings.concurrency}, burstWhenBatchFull; 8 fetchers of 1 job each measured 2-4× slower here: every NOTIFY wakes all of them). Its round trip is send → work → send → work, each job completed by pg-boss after its handler, not in one transaction with the reply.`
    : `pg-boss did not run: ${boss && boss.status !== 'ran' ? boss.reason : 'not measured'}.`,
  ...results.flatMap((r) => (r.status === 'ran' ? [] : [`${r.label}: ${r.status}, ${r.reason}`])),
]
const ratios = ratiosOf(results)
const report = {
  bench: 'bus',
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  machine: host,
  settings: { ...settings, databaseUrl: shown(settings.databaseUrl), brokerUrl: shown(settings.brokerUrl) },
  ratiosExplained: 'shape ÷ peer, per peer: saturationThroughput below 1 is slower than the peer; saturationP50 / fixedLoadP50 above 1 is slower than the peer',
  ratios,
  subjects: results,
  notes,
}

const markdown = markdownOf({ date: report.date, machine: host, settings, results, ratios, notes })
writeResults('bus', {
  report,
  markdown,
  svg: await barPanelsSvg(
    'Popcorn messaging core: command → reply round trips',
    `${report.date.slice(0, 16).replace('T', ' ')} UTC · ${host.cores} × ${host.cpu} · Node ${host.node} · one run: compare within it`,
    chartPanels(results, settings.ratePerSecond, settings.outstanding),
  ),
})
console.log(`\n${markdown}`)
console.log(`wrote bench/results/bus.json, bus.md and bus.svg in ${report.durationSeconds} s`)
// A driver may keep a timer or socket open a moment after close; the results are written, so end here.
process.exit(0)
