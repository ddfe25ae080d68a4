import { startCpuMeter } from '../lib/cpu.ts'
import { rssOf } from '../lib/memory.ts'
import { messageOf } from '../lib/results.ts'
import { arenaShowing, openArena } from './arena.ts'
import { startNaive } from './naive.ts'
import { showtimesOpen, startPopcorn } from './popcorn.ts'
import { runRamp, type RampClient, type RampStep } from './ramp.ts'
import { naiveRampClient, popcornRampClient } from './ramp-clients.ts'
import type { Settings, ShapeId } from './settings.ts'
import type { World } from './worlds.ts'

export type RampSubject = {
  readonly shape: ShapeId
  readonly system: 'popcorn' | 'naive'
  readonly label: string
} & (
  | { readonly status: 'ran'; readonly steps: readonly RampStep[]; readonly kneeOrdersPerSecond: number; readonly stoppedAfter: string; readonly details: Record<string, unknown> }
  | { readonly status: 'failed'; readonly reason: string })

/** Two seconds at a low rate first, not measured: connections, plans and JIT warm when the first step comes. */
const warmUp = (client: RampClient) =>
  runRamp('warm-up', client, { rates: [50], stepSeconds: 2, drainMs: 5_000, deadlineMs: 30_000 }, () => ({ stop: () => ({ cpuSeconds: {} }) }))

/** The servers' processes by command name: PostgreSQL (both systems use it) and RabbitMQ on the scale-out shape. */
const serversOf = (world: World): Record<string, string> => (world.broker ? { postgresql: 'postgres', rabbitmq: 'beam.smp' } : {})

const measure = async (label: string, settings: Settings, world: World, client: RampClient, pids: Record<string, number | undefined>) => {
  await warmUp(client)
  const run = await runRamp(label, client, { ...settings.ramp, deadlineMs: settings.deadlineSeconds * 1_000 }, () => startCpuMeter(pids, serversOf(world)))
  return { steps: run.steps, kneeOrdersPerSecond: run.kneeOrdersPerSecond, stoppedAfter: run.stoppedAfter }
}

const memoryOf = (pids: Record<string, number | undefined>) =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : rssOf(pid)]))

/**
 * What holding the ramp's buyers' sockets costs each Popcorn process: CPU to open one (the handshake, the session, the
 * room it joins), and resident memory each adds, measured around opening them all.
 */
const perConnection = (sockets: number, cpu: { cpuSeconds: Record<string, number> }, before: Record<string, number | undefined>, after: Record<string, number | undefined>) =>
  Object.fromEntries(Object.keys(before).map((name) => {
    const grown = after[name] !== undefined && before[name] !== undefined ? after[name]! - before[name]! : undefined
    return [name, {
      cpuMsPerConnection: cpu.cpuSeconds[name] === undefined ? null : Math.round((cpu.cpuSeconds[name]! * 1000 / sockets) * 1000) / 1000,
      kbPerConnection: grown === undefined ? null : Math.round(grown / 1024 / sockets * 10) / 10,
    }]
  }))

/** Popcorn on the world's shape, with the arena showing opened through ordering, and buyers connected before the first step. */
export const runPopcornRamp = async (world: World, settings: Settings): Promise<RampSubject> => {
  const about = { shape: world.shape, system: 'popcorn' as const, label: `${world.shape} · Popcorn` }
  const arena = arenaShowing(settings.ramp.capacity)
  try {
    if (!world.broker) await openArena(world, arena) // PGlite: before Popcorn opens it
    const popcorn = await startPopcorn(world, [])
    try {
      if (world.broker) await openArena(world, arena)
      await showtimesOpen(popcorn.url, [arena.showtimeId])
      const memoryBefore = memoryOf(popcorn.pids)
      const connecting = startCpuMeter(popcorn.pids)
      const buyers = await popcornRampClient(popcorn.url, { sockets: settings.ramp.sockets, showtimeId: arena.showtimeId, answerTimeoutMs: settings.ramp.answerTimeoutMs })
      try {
        const connections = perConnection(settings.ramp.sockets, connecting.stop(), memoryBefore, memoryOf(popcorn.pids))
        console.log(`  Popcorn serving ${popcorn.url} · ${settings.ramp.sockets} buyers connected: ${JSON.stringify(connections)}`)
        const run = await measure(`${about.label} ramp`, settings, world, buyers.client, popcorn.pids)
        return { ...about, status: 'ran', ...run, details: { ...world.details, showing: arena, sockets: settings.ramp.sockets, connections, processes: Object.keys(popcorn.pids) } }
      } finally {
        buyers.close()
      }
    } finally {
      await popcorn.stop()
    }
  } catch (error) {
    console.log(`  FAILED: ${messageOf(error)}`)
    return { ...about, status: 'failed', reason: messageOf(error) }
  }
}

/** The naive site with the arena showing, its buyers posting over keep-alive connections. */
export const runNaiveRamp = async (world: World, settings: Settings): Promise<RampSubject> => {
  const about = { shape: world.shape, system: 'naive' as const, label: `${world.shape} · naive` }
  const arena = arenaShowing(settings.ramp.capacity)
  try {
    const naive = await startNaive(world, settings, [{ showingId: arena.showtimeId, ticketType: arena.ticketType, capacity: arena.capacity }])
    try {
      console.log(`  naive site serving ${naive.url}`)
      const client = naiveRampClient(naive.url, { showtimeId: arena.showtimeId, answerTimeoutMs: settings.ramp.answerTimeoutMs })
      const run = await measure(`${about.label} ramp`, settings, world, client, { 'naive site': naive.pid })
      return { ...about, status: 'ran', ...run, details: { ...world.details, showing: arena } }
    } finally {
      await naive.stop()
    }
  } catch (error) {
    console.log(`  FAILED: ${messageOf(error)}`)
    return { ...about, status: 'failed', reason: messageOf(error) }
  }
}
