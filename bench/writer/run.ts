import { panelsSvg } from '../lib/chart.ts'
import { machine } from '../lib/machine.ts'
import { messageOf, settingsOrExit, writeResults } from '../lib/results.ts'
import { shown, Skip } from '../lib/servers.ts'
import { runNaive } from './naive.ts'
import { runPopcorn } from './popcorn.ts'
import { chartPanels, latencyRatiosOf, markdownOf, ratiosOf } from './report.ts'
import { readSettings } from './settings.ts'
import type { SubjectResult } from './subject.ts'
import { openWorld, type World } from './worlds.ts'

/**
 * `npm run bench:writer`: ordering's decision engine alone — no web server, no sockets. Orders stored and sent as a
 * web node does, decided by Popcorn's writer (ordering's endpoint), beside the naive one-transaction-per-order
 * decision on the same database, per shape.
 */
const settings = settingsOrExit(readSettings)

// Every phase is bounded; this bounds the rest (start-up, checks, cleanup), whatever happens.
const deadlineMs = settings.shapes.length * 2 * (settings.deadlineSeconds + 180) * 1000
setTimeout(() => {
  console.error(`bench:writer ran past ${deadlineMs / 1000} s; giving up (a throw-away database, queue or process may be left behind)`)
  process.exit(2)
}, deadlineMs).unref()

let world: World | undefined
process.once('SIGINT', () => {
  console.log('\ninterrupted: removing the world under test')
  void (world?.destroy() ?? Promise.resolve()).finally(() => process.exit(130))
})

const started = new Date()
const host = machine()
console.log(`bench:writer · ${host.cores} × ${host.cpu} · Node ${host.node} · ${settings.orders} orders per subject, chunks of ${settings.chunk}, ` +
  `at most ${settings.window} undecided, ${settings.naiveClients} naive clients · shapes ${settings.shapes.join(', ')}`)

const results: SubjectResult[] = []
for (const shape of settings.shapes) {
  console.log(`\n▸ ${shape}`)
  try {
    world = await openWorld(shape, settings)
  } catch (error) {
    const status = error instanceof Skip ? 'skipped' : 'failed'
    console.log(`  ${status.toUpperCase()}: ${messageOf(error)}`)
    for (const system of ['popcorn', 'naive'] as const) results.push({ shape, system, label: `${shape} · ${system === 'popcorn' ? 'Popcorn' : 'naive'}`, status, reason: messageOf(error) })
    continue
  }
  try {
    results.push(await runPopcorn(world, settings))
    await new Promise((resolve) => setTimeout(resolve, 2_000)) // let the machine settle before the next subject
    results.push(await runNaive(world, settings))
  } finally {
    await world.destroy().catch((error: unknown) => console.log(`  cleanup failed (something may be left behind): ${messageOf(error)}`))
    world = undefined
  }
}

const notes = [
  'Popcorn: the bench offers `SubmitOrder` commands (message id = order id) through a `MessageSession`, a chunk of orders per transaction; the writer stores each order with its outcome (as the naive decision inserts its order) — the web node\'s own work of storing it as received first is left out, so that the writer sets the pace. Its session belongs to a per-instance endpoint (`web.<instance>`) whose `OrderOutcome` handler counts the answers. The writer is ordering\'s endpoint alone, composed as `popcorn worker` composes it (every context\'s migrations and messages, `createBus`), deciding on the showing\'s partition.',
  'Popcorn latency: from the commit of the producer\'s transaction that stored the order to the arrival of its `OrderOutcome` at the bench\'s endpoint. The producer keeps at most the window of orders undecided, so this is the wait of an order in a full queue, not of an idle system. Decisions/s: measured orders ÷ (first measured transaction started → last answer).',
  'Naive: one transaction per order — `select … for update` on the showing\'s row, check the seats, update seats_left, insert the order — by concurrent clients each taking the next order as its last commits; latency is the whole transaction, waiting for a connection and the row lock included. Run after Popcorn stopped, never at the same time.',
  'Checks, from the database after each subject: every stored order accepted, one SeatsReserved per order and no other decision, seats left = capacity − tickets (stream and view), nothing in the error queue, no order answered twice; for the naive decision, every order accepted and seats left = capacity − tickets. An order still unanswered at the deadline is a failed check, even when the writer decided it before the database was read.',
  `CPU per decision: the writer's process on PostgreSQL; embedded, the one process holding the writer, the producer and the reply handling (PGlite included), so it is not the writer's alone. For the naive decision on PostgreSQL, the database server's. ` +
    `Server CPU per decision: Popcorn's writer, PostgreSQL and RabbitMQ (every process named postgres or beam.smp, with their finished children, from /proc); the naive decision's PostgreSQL; embedded, the one process. ` +
    `All CPU per decision adds the bench process (a web node's part: storing and sending the orders, taking the replies; the naive clients' part: running the transactions). ` +
    `The bench shares the ${host.cores} cores with the system under test and anything else running on this machine, which the server figures also count.`,
  ...results.flatMap((r) => (r.status === 'ran' ? [] : [`${r.label}: ${r.status}, ${r.reason.split('\n')[0]}`])),
]
const report = {
  bench: 'writer',
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  machine: host,
  settings: { ...settings, databaseUrl: shown(settings.databaseUrl), brokerUrl: shown(settings.brokerUrl) },
  ratiosExplained: 'Popcorn ÷ naive decisions per second on the same shape: above 1, Popcorn\'s writer decides more per second',
  ratios: ratiosOf(results),
  latencyRatios: latencyRatiosOf(results),
  subjects: results,
  notes,
}

const markdown = markdownOf({ date: report.date, machine: host, settings, results, notes })
writeResults('writer', {
  report,
  markdown,
  svg: await panelsSvg(
    `The writer alone: ${settings.orders} orders per subject, one showing`,
    `${report.date.slice(0, 16).replace('T', ' ')} UTC · ${host.cores} × ${host.cpu} · Node ${host.node} · Popcorn's writer beside the naive decision, per shape · one run: compare within it`,
    chartPanels(results),
  ),
})
console.log(`\n${markdown}`)
console.log(`wrote bench/results/writer.json, writer.md and writer.svg in ${report.durationSeconds} s`)
process.exit(0)
