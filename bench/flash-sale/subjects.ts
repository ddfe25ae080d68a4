import { startCpuMeter } from '../lib/cpu.ts'
import { freshIds, planCrowd, runCrowd, type Buyer } from './crowd.ts'
import { measureCrowd } from './metrics.ts'
import { inspectNaiveDatabase, startNaive, type Showing } from './naive.ts'
import { naiveBuyers } from './naive-buyer.ts'
import { askServer, classify, getJson, inspectPopcornDatabase, startPopcorn, type Seats } from './popcorn.ts'
import { browserSessionsFor, hasWaitingRoom, popcornBuyers } from './popcorn-buyer.ts'
import { leftInQueues } from './rabbit.ts'
import type { Settings } from './settings.ts'
import type { SubjectAbout, SubjectResult } from './subject.ts'
import type { World } from './worlds.ts'

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A few orders for another showing first, so that connections, plans and JIT are warm when the burst comes. */
const warmUpCrowd = (settings: Settings) =>
  planCrowd({ buyers: settings.warmUpOrders, burstMs: 3_000, drawingPercent: 0, hotShowing: settings.warmUpShowing, drawingShowing: settings.drawingShowing, seed: 1 })
    .map((buyer) => ({ ...buyer, tickets: 1 }))

const limitsOf = (settings: Settings) => ({ deadlineMs: settings.deadlineSeconds * 1000, quietMs: settings.quietMs })

/** Accepted tickets beyond capacity, as the buyers of the hot showing were told. */
const oversoldByOutcomes = (buyers: readonly Buyer[], outcomes: readonly (string | undefined)[], capacity: number) =>
  Math.max(0, buyers.reduce((sum, buyer, i) => sum + (buyer.kind === 'hot' && outcomes[i] === 'accepted' ? buyer.tickets : 0), 0) - capacity)

const failure = (about: SubjectAbout, error: unknown): SubjectResult => {
  console.log(`  FAILED: ${messageOf(error)}`)
  return { ...about, status: 'failed', reason: messageOf(error) }
}

export const runPopcornSubject = async (world: World, settings: Settings, crowd: readonly Buyer[], showings: readonly Showing[]): Promise<SubjectResult> => {
  const about: SubjectAbout = { id: `${world.shape}-popcorn`, shape: world.shape, system: 'popcorn', label: `${world.shape} · Popcorn` }
  const hot = settings.hotShowing
  try {
    const popcorn = await startPopcorn(world, showings.map((s) => s.showingId))
    let outcome
    try {
      const room = await hasWaitingRoom(popcorn.url)
      console.log(`  Popcorn serving ${popcorn.url} · waiting room ${room ? 'present' : 'absent: buyers submit without a place token'}`)
      const warm = popcornBuyers(popcorn.url, { room, answerTimeoutMs: settings.answerTimeoutMs })
      await runCrowd('warm-up', warmUpCrowd(settings), warm.act, { deadlineMs: 60_000, quietMs: 5_000 })
      warm.close()

      const buyers = freshIds(crowd)
      const seatsBefore = (await getJson<Seats>(`${popcorn.url}/api/showtimes/${hot}/seats`)).body
      const sessions = await browserSessionsFor(popcorn.url, buyers.length)
      const crowdOf = popcornBuyers(popcorn.url, { room, answerTimeoutMs: settings.answerTimeoutMs, sessions })
      const cpu = startCpuMeter(popcorn.pids)
      const run = await runCrowd(about.label, buyers, crowdOf.act, limitsOf(settings))
      const usage = cpu.stop()
      const asked = await askServer(popcorn.url, buyers, run.traces)
      const seatsAfter = (await getJson<Seats>(`${popcorn.url}/api/showtimes/${hot}/seats`).catch(() => ({ body: undefined }))).body
      await new Promise((resolve) => setTimeout(resolve, 3_000)) // pushes still on their way, before the sockets close
      crowdOf.close()
      const overHttp = classify(asked)
      outcome = { room, buyers, run, usage, overHttp, seatsBefore, seatsAfter, sightings: crowdOf.sightings }
    } finally {
      await popcorn.stop()
    }
    const serverLog = popcorn.problems()
    const database = await inspectPopcornDatabase(world.popcornDatabase, hot, outcome.overHttp.lostOrderIds)
    const leftInBroker = world.broker ? await leftInQueues(world.broker.url, world.broker.namespace).catch((error: unknown) => ({ error: messageOf(error) })) : undefined
    const { buyers, run, usage, overHttp, room, seatsBefore, seatsAfter, sightings } = outcome
    const capacity = database.capacity
    const result: SubjectResult = {
      ...about,
      status: 'ran',
      details: { ...world.details, waitingRoom: room, processes: world.shape === 'embedded' ? 'popcorn start' : 'popcorn worker + popcorn web' },
      capacity,
      metrics: measureCrowd(buyers, run.traces, run.endedAt, run.ending, sightings),
      usage,
      oversold: { fromOutcomes: oversoldByOutcomes(buyers, run.traces.map((t) => t.outcome), capacity), fromDatabase: Math.max(database.oversoldByOrders, database.oversoldByStream) },
      lost: overHttp.lostOrderIds.length,
      checks: { overHttp: { ...overHttp, lostOrderIds: overHttp.lostOrderIds.slice(0, 20) }, seatsBefore, seatsAfter, database, ...(leftInBroker && { leftInBroker }), serverLog },
    }
    console.log(`  oversold ${result.oversold.fromOutcomes} (outcomes) / ${result.oversold.fromDatabase} (database) · lost ${result.lost} (stored ${database.lostButStored}) · decided but not pushed ${overHttp.decidedButNotPushed}`)
    return result
  } catch (error) {
    return failure(about, error)
  }
}

export const runNaiveSubject = async (world: World, settings: Settings, crowd: readonly Buyer[], showings: readonly Showing[]): Promise<SubjectResult> => {
  const about: SubjectAbout = { id: `${world.shape}-naive`, shape: world.shape, system: 'naive', label: `${world.shape} · naive` }
  const hot = settings.hotShowing
  try {
    const naive = await startNaive(world, settings, showings)
    let outcome
    try {
      console.log(`  naive site serving ${naive.url}`)
      await runCrowd('warm-up', warmUpCrowd(settings), naiveBuyers(naive.url, { answerTimeoutMs: settings.answerTimeoutMs }), { deadlineMs: 60_000, quietMs: 5_000 })
      const buyers = freshIds(crowd)
      const cpu = startCpuMeter({ 'naive site': naive.pid })
      const run = await runCrowd(about.label, buyers, naiveBuyers(naive.url, { answerTimeoutMs: settings.answerTimeoutMs }), limitsOf(settings))
      outcome = { buyers, run, usage: cpu.stop() }
    } finally {
      await naive.stop()
    }
    const { buyers, run, usage } = outcome
    const database = await inspectNaiveDatabase(world.naiveDatabase, hot, buyers, run.traces)
    const result: SubjectResult = {
      ...about,
      status: 'ran',
      details: { ...world.details, pool: world.shape === 'embedded' ? 'PGlite: one connection' : `pg.Pool max ${settings.naivePoolMax}, ${settings.naivePoolWaitMs} ms to get a connection` },
      capacity: database.capacity,
      metrics: measureCrowd(buyers, run.traces, run.endedAt, run.ending),
      usage,
      oversold: { fromOutcomes: oversoldByOutcomes(buyers, run.traces.map((t) => t.outcome), database.capacity), fromDatabase: database.oversoldByOrders },
      lost: 0,
      checks: { database },
    }
    console.log(`  oversold ${result.oversold.fromOutcomes} (outcomes) / ${result.oversold.fromDatabase} (database) · errored but taken ${database.erroredButTaken}`)
    return result
  } catch (error) {
    return failure(about, error)
  }
}
