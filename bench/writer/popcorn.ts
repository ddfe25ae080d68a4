import type { Logger } from 'pino'
import { OpenShowtime } from '../../src/contexts/ordering/commands.ts'
import { showtimeById } from '../../src/contexts/ordering/orders.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { defineEndpoint } from '../../src/messaging/endpoint.ts'
import type { Database } from '../../src/messaging/sql.ts'
import { cleanup } from '../bus/subject.ts'
import { startCpuMeter } from '../lib/cpu.ts'
import { messageOf } from '../lib/results.ts'
import { randomSuffix } from '../lib/servers.ts'
import { stampingCommits } from './commit-clock.ts'
import { countingLogger } from './log.ts'
import { benchShowing, planOrders, ticketsOf } from './orders.ts'
import { produceOrders, type ProducerOptions } from './producer.ts'
import { createReplies } from './replies.ts'
import type { Settings } from './settings.ts'
import { cpuMsPer, cpuPerDecision, serverCommands, type SubjectResult } from './subject.ts'
import { verifyPopcorn } from './verify.ts'
import { startSystem, type Later, type System } from './system.ts'
import { writerCatalog } from './writer.ts'
import type { World } from './worlds.ts'

const waitForShowtime = async (db: Database, showtimeId: string, timeoutMs: number) => {
  const until = Date.now() + timeoutMs
  while (!(await showtimeById(db, showtimeId))) {
    if (Date.now() > until) throw new Error(`ordering.showtimes has no row for ${showtimeId} ${timeoutMs / 1000} s after OpenShowtime`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const options = (settings: Settings): ProducerOptions =>
  ({ chunk: settings.chunk, window: settings.window, producers: settings.producers, deadlineMs: settings.deadlineSeconds * 1000 })

/** Opens the showing through ordering, warms up, then offers the measured orders and checks the database. */
const measure = async (world: World, settings: Settings, system: System, logger: Logger, later: Later) => {
  const bench = createBus({ db: stampingCommits(system.db), transport: system.transport, catalog: writerCatalog(), logger, instanceId: `bench-${randomSuffix()}` })
  later(() => bench.stop())
  const replies = createReplies()
  const web = await bench.start(defineEndpoint({ name: 'web', perInstance: true, handlers: [replies.handler] }))

  const showing = benchShowing(settings.capacity)
  await web.session.send(OpenShowtime, showing)
  await waitForShowtime(system.db, showing.showtimeId, 60_000)
  const warmUp = planOrders(settings.warmUpOrders, showing.showtimeId)
  const warm = await produceOrders('warm-up', warmUp, web.session, replies, { ...options(settings), deadlineMs: 60_000 })
  if (warm.ending !== 'all decided') throw new Error(`the warm-up's ${warmUp.length} orders were not all decided within 60 s (${warm.decided} were)`)

  const orders = planOrders(settings.orders, showing.showtimeId)
  const cpu = startCpuMeter(system.writerPid === undefined ? {} : { writer: system.writerPid }, serverCommands(world.shape))
  const run = await produceOrders(`${world.shape} · Popcorn`, orders, web.session, replies, options(settings))
  const usage = cpu.stop()
  const verdict = await verifyPopcorn((text, params) => system.db.query(text, params), {
    showtimeId: showing.showtimeId,
    orders: warmUp.length + orders.length,
    tickets: ticketsOf(warmUp) + ticketsOf(orders),
    capacity: settings.capacity,
  })
  const duplicates = replies.duplicates()
  const problems = [
    ...(run.ending === 'deadline' ? [`${run.orders - run.decided} orders unanswered at the deadline`] : []),
    ...verdict.problems,
    ...(duplicates ? [`${duplicates} orders answered twice`] : []),
  ]
  const decidingProcess = system.writerPid === undefined ? 'bench' : 'writer'
  return {
    status: 'ran' as const,
    orders: run.orders,
    decided: run.decided,
    seconds: run.seconds,
    decisionsPerSecond: run.decisionsPerSecond,
    p50Ms: run.latencyMs.p50,
    p99Ms: run.latencyMs.p99,
    latencyMs: run.latencyMs,
    outcomes: run.outcomes,
    ending: run.ending,
    cpu: {
      ...usage, decidingProcess, cpuMsPerDecision: cpuMsPer(usage.cpuSeconds[decidingProcess], run.decided),
      ...cpuPerDecision(usage.cpuSeconds, world.shape === 'embedded' ? ['bench'] : ['writer', ...Object.keys(serverCommands(world.shape))], run.decided),
    },
    checks: { ...verdict, verified: problems.length === 0, problems, repliesAnsweredTwice: duplicates, warmUpOrders: warmUp.length },
    details: {
      ...world.details,
      producer: { ...options(settings), stored: run.stored, waitingShare: run.producerWaitingShare, mostUndecided: run.mostUndecided },
      showing: { showtimeId: showing.showtimeId, capacity: showing.capacity, policy: showing.policy, ticketType: showing.ticketType },
    },
  }
}

/**
 * Popcorn's writer deciding the orders: the bench stores and sends them as a web node does, on a per-instance
 * endpoint whose queue the replies come back to, and checks the database after. Everything it started is stopped
 * and closed before it returns, whatever happened.
 */
export const runPopcorn = async (world: World, settings: Settings): Promise<SubjectResult> => {
  const about = { shape: world.shape, system: 'popcorn' as const, label: `${world.shape} · Popcorn` }
  const steps: (() => Promise<unknown>)[] = []
  const later: Later = (step) => void steps.unshift(step)
  const log = countingLogger()
  let system: System | undefined
  let outcome: Awaited<ReturnType<typeof measure>> | { status: 'failed'; reason: string }
  try {
    system = await startSystem(world, log.logger, later)
    outcome = await measure(world, settings, system, log.logger, later)
  } catch (error) {
    outcome = { status: 'failed', reason: messageOf(error) }
    console.log(`  FAILED: ${outcome.reason}`)
  }
  await cleanup(...steps.splice(0)).catch((error: unknown) => console.log(`  cleanup failed (something may be left behind): ${messageOf(error)}`))
  if (outcome.status === 'failed') return { ...about, ...outcome }
  // Read after the writer stopped, so that what it said on the way out counts too.
  const logged = system?.problems ? { writer: system.problems(), bench: log.problems() } : { 'bench and writer': log.problems() }
  const said = Object.entries(logged).flatMap(([who, l]) => Object.entries(l.counts).map(([what, n]) => `${who} ${what} ×${n}`))
  const { problems } = outcome.checks
  console.log(`  checks: ${problems.length ? problems.join('; ') : 'every order decided exactly once'}${said.length ? ` · logged: ${said.join(', ')}` : ''}`)
  return { ...about, ...outcome, checks: { ...outcome.checks, logged } }
}
