import type { Logger } from 'pino'
import { handledPerSecond, waitedLastSecond } from '../../messaging/throughput.ts'
import { SubmitOrder } from '../ordering/messages.ts'
import { capacityOf, remember } from './capacity.rules.ts'
import { rememberedCapacity, saveCapacity } from './capacity.ts'
import { tickChanged, tickRoom } from './room.rules.ts'
import { roomsWithLast, saveRoom } from './rooms.ts'
import type { RoomDeps } from './settings.ts'

/**
 * Ordering's partition queues (`ordering.p0` …): where every order is decided. A hot showing is decided on ONE of
 * them, by one writer at a time, so what the busiest single partition handles is what a room can let through — the
 * sum over all partitions would promise a hot showing the throughput of eight writers.
 */
const orderingPartitions = `${SubmitOrder.owner}.p`

/** Measures the workers (the busiest recent second, remembered and fading) and says what they take now. */
export const measureCapacity = async (deps: RoomDeps, now: Date): Promise<number> => {
  const handled = await handledPerSecond(deps.db, orderingPartitions, deps.settings.measureSeconds, { busiestQueue: true })
  const before = await rememberedCapacity(deps.db)
  const after = remember(before, handled, now, deps.settings)
  if (after.rate !== before.rate) await saveCapacity(deps.db, before, after)
  return capacityOf(after, now, deps.settings)
}

/** One tick of every room: measured, moved on, its outflow probed, switched; written only where something happened. */
export const tickRooms = async (deps: RoomDeps) => {
  const now = deps.clock()
  const capacity = await measureCapacity(deps, now)
  const rooms = await roomsWithLast(deps.db)
  // One signal for every room (a hot showing is what makes its writer's orders wait), read only when a room is on.
  const waitedMs = rooms.some((room) => room.active) ? await waitedLastSecond(deps.db, orderingPartitions) : null
  // Sold out matters only to a room that is on or has people arriving: an idle system asks nothing.
  const busy = rooms.filter((room) => room.active || room.arrivalsPerSecond > 0 || room.lastNumber > room.numberAtTick)
  const soldOut = busy.length ? await deps.availability.soldOut(busy.map((room) => room.showtimeId)) : new Set<string>()
  for (const room of rooms) {
    const after = tickRoom(room, { lastNumber: room.lastNumber, capacity, waitedMs, soldOut: soldOut.has(room.showtimeId) }, now, deps.settings)
    if (tickChanged(room, after)) await saveRoom(deps.db, room, after, now)
  }
}

/**
 * Every web node ticks its rooms; the writes are compare-and-set on each room's version, so several nodes ticking
 * at once move a room on once. A tick still running when the next is due is not doubled up.
 */
export const startTicker = (deps: RoomDeps, logger: Logger) => {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    running ??= tickRooms(deps)
      .catch((error) => logger.warn({ err: error }, 'waiting room tick failed'))
      .finally(() => (running = undefined))
  }, deps.settings.tickMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
