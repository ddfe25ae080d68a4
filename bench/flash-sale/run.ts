import { demoCatalog } from '../../src/contexts/catalog/demo-catalog.ts'
import { panelsSvg } from '../lib/chart.ts'
import { machine } from '../lib/machine.ts'
import { messageOf, settingsOrExit, writeResults } from '../lib/results.ts'
import { shown, Skip } from '../lib/servers.ts'
import { planCrowd } from './crowd.ts'
import { chartPanels, markdownOf, ratiosOf } from './report.ts'
import { readSettings } from './settings.ts'
import { runNaiveSubject, runPopcornSubject } from './subjects.ts'
import { kneeRatios, rampJson, rampMarkdown, rampPanels } from './ramp-report.ts'
import { runNaiveRamp, runPopcornRamp, type RampSubject } from './ramp-subjects.ts'
import type { SubjectResult } from './subject.ts'
import { openWorld, type World } from './worlds.ts'

/**
 * `npm run bench:flash-sale`: a burst of buyers — real realtime clients — for one hot showing and the drawing,
 * against Popcorn on each shape and, on the same database, against the naive synchronous site that crashed.
 */
const settings = settingsOrExit(readSettings)

const catalog = demoCatalog(new Date())
const showingOf = (id: string) => {
  const showtime = catalog.showtimes.find((s) => s.id === id)
  if (!showtime) {
    console.error(`no showtime "${id}" in the demo catalog (try --hot=optimistic, --hot=strict, or an id like dune-breda-1)`)
    process.exit(2)
  }
  return { showingId: id, ticketType: showtime.ticketType, capacity: showtime.capacity, policy: showtime.policy }
}
const hot = showingOf(settings.hotShowing)
const showings = [hot, showingOf(settings.drawingShowing), showingOf(settings.warmUpShowing)]
if (hot.ticketType === 'drawing') {
  console.error(`"${hot.showingId}" is a drawing: pick a showing that sells seats as the hot one`)
  process.exit(2)
}

// Every phase is bounded; this bounds the rest (start-up, checks, cleanup), whatever happens.
const deadlineMs = settings.shapes.length * 2 * settings.parts.length * (settings.deadlineSeconds + 240) * 1000
setTimeout(() => {
  console.error(`bench:flash-sale ran past ${deadlineMs / 1000} s; giving up (a throw-away database, queue or process may be left behind)`)
  process.exit(2)
}, deadlineMs).unref()

let world: World | undefined
process.once('SIGINT', () => {
  console.log('\ninterrupted: removing the world under test')
  void (world?.destroy() ?? Promise.resolve()).finally(() => process.exit(130))
})

const crowd = planCrowd({ ...settings, hotShowing: hot.showingId })
const started = new Date()
const host = machine()
console.log(`bench:flash-sale · ${host.cores} × ${host.cpu} · Node ${host.node} · ${settings.buyers} buyers per subject over ${settings.burstMs} ms, ` +
  `hot showing ${hot.showingId} (${hot.policy}, ${hot.capacity} seats), ${settings.drawingPercent}% to the drawing ${settings.drawingShowing}, deadline ${settings.deadlineSeconds} s`)

const results: SubjectResult[] = []
const ramps: RampSubject[] = []
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000)) // let the machine settle before the next subject
for (const shape of settings.shapes) {
  console.log(`\n▸ ${shape}`)
  try {
    world = await openWorld(shape, settings)
  } catch (error) {
    const status = error instanceof Skip ? 'skipped' : 'failed'
    console.log(`  ${status.toUpperCase()}: ${messageOf(error)}`)
    for (const system of ['popcorn', 'naive'] as const) {
      if (settings.parts.includes('ramp')) ramps.push({ shape, system, label: `${shape} · ${system === 'popcorn' ? 'Popcorn' : 'naive'}`, status: 'failed', reason: messageOf(error) })
      if (!settings.parts.includes('burst')) continue
      results.push({ id: `${shape}-${system}`, shape, system, label: `${shape} · ${system === 'popcorn' ? 'Popcorn' : 'naive'}`, status, reason: messageOf(error) })
    }
    continue
  }
  try {
    if (settings.parts.includes('burst')) {
      results.push(await runPopcornSubject(world, settings, crowd, showings))
      await settle()
      results.push(await runNaiveSubject(world, settings, crowd, showings))
    }
    if (settings.parts.includes('ramp')) {
      console.log(`  ramp: ${settings.ramp.rates.join(', ')} orders/s, ${settings.ramp.stepSeconds} s a step`)
      await settle()
      ramps.push(await runPopcornRamp(world, settings))
      await settle()
      ramps.push(await runNaiveRamp(world, settings))
    }
  } finally {
    await world.destroy().catch((error: unknown) => console.log(`  cleanup failed (something may be left behind): ${messageOf(error)}`))
    world = undefined
  }
}

const knees = kneeRatios(ramps)
const burstRatios = ratiosOf(results)
const ratios = Object.fromEntries([...new Set([...Object.keys(burstRatios), ...Object.keys(knees)])].map((shape) => [shape, { ...burstRatios[shape], ...(shape in knees && { knee: knees[shape] }) }]))
const roomSeen = results.some((r) => r.status === 'ran' && r.system === 'popcorn' && r.details.waitingRoom === true)
const burstNotes = [
  'Popcorn: each buyer is a socket.io client with its own browser session, which the server issued and signed when the buyer\'s page was loaded before the sale (fetched before the burst, not timed: the lightest answer that carries it, the health check\'s). It connects, joins the waiting room (`waiting-room:join`) and, when not admitted at once, watches its place until a pushed status admits it; then `order:submit` (acknowledged: "received", or "accepted" at the edge of an optimistic showing, or "sold-out" at once when the web node\'s view of a strict showing has too few seats left — that answer is the outcome) and otherwise waits for the pushed `order:outcome`. Ack = submit → acknowledgement; result = submit → first pushed outcome (or the sold-out answer).',
  roomSeen
    ? 'The waiting room was there: the buyers went through it, and its wait (join → admitted) is in the table; arrival → result includes it.'
    : 'This Popcorn had no waiting room yet (`waiting-room:join` went unanswered): the buyers submitted without a place token.',
  `The hot showing's policy is ${hot.policy}: ${hot.policy === 'optimistic' ? 'the web node answers "accepted" at once when its own estimate of seats left covers the order, and the writer confirms it or, oversold, cancels it (refund, apology) later' : 'the web node answers "received" and the showing\'s single writer decides'}. Drawing entries are decided as "entered-drawing"; the draw itself is days later, outside the run. The waiting room switches itself on when joins outrun the workers' measured rate, and lets people through at that rate; its per-address join limit is raised for the run (every buyer comes from 127.0.0.1).`,
  'Naive: the site that crashed, built the obvious way — one HTTP POST per order, one transaction: `select … for update` on the showing\'s row, check and take the seats, insert the order, commit, answer. Pool of 10 connections on PostgreSQL (503 after 10 s without one), PGlite\'s single connection embedded; its buyers give up after 30 s. For it ack = result = the HTTP answer. Same buyers (kinds, tickets, arrival times), same capacity, same database server; run after Popcorn stopped, never at the same time.',
  'Latency figures count answered requests only; errors are counted apart, by code. Orders/s = decided outcomes ÷ (first submit → last outcome). Oversold = accepted tickets beyond capacity, from what buyers were told and from the database after the processes stopped. Lost = acknowledged, yet no final outcome pushed by the end (all settled, quiet, or the deadline) and none recorded on the server (GET /api/orders/:id) when checked just after; the summary says how many of those the database still holds and whose command was still queued, i.e. late rather than gone. Outcomes pushed after the end are not counted as decided.',
  `The bench process (thousands of clients) shares the ${host.cores} cores with the system under test, as does anything else running on this machine. Opening a socket.io connection cost about 1.3 ms of the bench's CPU and 1 ms of the server's when measured alone, so a burst of sockets is partly the bench's own load: connect p50/p99 (arrival → connected) is shown apart, and arrival → result includes it.`,
]
const notes = [
  ...(results.length ? burstNotes : []),
  ...results.flatMap((r) => (r.status === 'ran' ? [] : [`${r.label}: ${r.status}, ${r.reason.split('\n')[0]}`])),
]
const report = {
  bench: 'flash-sale',
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  machine: host,
  settings: { ...settings, databaseUrl: shown(settings.databaseUrl), brokerUrl: shown(settings.brokerUrl) },
  hotShowing: hot,
  ratiosExplained: 'Popcorn ÷ naive on the same shape: latency below 1 means Popcorn answers sooner; ordersPerSecond above 1 means Popcorn decides more per second',
  ratios,
  subjects: results,
  ramp: rampJson(ramps),
  notes,
}

const markdown = [results.length === 0 ? `# Flash sale (${report.date})\n` : markdownOf({ date: report.date, machine: host, settings, capacity: hot.capacity, results, ratios: burstRatios, notes }), ...rampMarkdown(settings, ramps, knees)].join('\n')
writeResults('flash-sale', {
  report,
  markdown,
  svg: await panelsSvg(
    `Flash sale: ${settings.buyers} buyers per subject for ${hot.showingId} (${hot.capacity} seats) and the drawing`,
    `${report.date.slice(0, 16).replace('T', ' ')} UTC · ${host.cores} × ${host.cpu} · Node ${host.node} · Popcorn beside the naive synchronous site, per shape · one run: compare within it`,
    [...chartPanels(results), ...rampPanels(ramps)],
  ),
})
console.log(`\n${markdown}`)
console.log(`wrote bench/results/flash-sale.json, flash-sale.md and flash-sale.svg in ${report.durationSeconds} s`)
process.exit(0)
