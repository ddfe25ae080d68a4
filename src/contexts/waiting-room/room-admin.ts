import { HttpError } from '../../web/errors.ts'
import { capacityOf } from './capacity.rules.ts'
import { rememberedCapacity } from './capacity.ts'
import { applyMode, waitingIn, type Mode } from './room.rules.ts'
import { openRoom, roomsWithLast, roomWithLast, saveRoom, type RoomWithLast } from './rooms.ts'
import type { RoomDeps } from './settings.ts'
import { allShowtimes, showtimeOf, type KnownShowtime } from './showtimes.ts'

export interface RoomOverview {
  readonly showtimeId: string
  readonly movieTitle: string | null
  readonly theaterName: string | null
  readonly startsAt: string | null
  readonly mode: Mode
  readonly active: boolean
  readonly waiting: number
  /** The outflow in force (active), or the one it would start with. */
  readonly ratePerSecond: number
  readonly fixedRatePerSecond: number | null
  readonly arrivalsPerSecond: number
  readonly capacityPerSecond: number
  readonly admittedThrough: number
  readonly lastNumber: number
}

const overviewOf = (room: RoomWithLast, showtime: KnownShowtime | undefined, capacity: number): RoomOverview => ({
  showtimeId: room.showtimeId,
  movieTitle: showtime?.movieTitle ?? null,
  theaterName: showtime?.theaterName ?? null,
  startsAt: showtime?.startsAt.toISOString() ?? null,
  mode: room.mode,
  active: room.active,
  waiting: waitingIn(room, room.lastNumber),
  ratePerSecond: room.active ? room.rate : (room.fixedRate ?? capacity),
  fixedRatePerSecond: room.fixedRate,
  arrivalsPerSecond: Math.round(room.arrivalsPerSecond * 100) / 100,
  capacityPerSecond: capacity,
  admittedThrough: room.admittedThrough,
  lastNumber: room.lastNumber,
})

const capacityNow = async (deps: RoomDeps, now: Date) => capacityOf(await rememberedCapacity(deps.db), now, deps.settings)

/** Every room, and the showtimes that have none yet (an admin may switch one on before anyone comes). */
export const overview = async (deps: RoomDeps) => {
  const now = deps.clock()
  const capacity = await capacityNow(deps, now)
  const showtimes = new Map((await allShowtimes(deps.db)).map((s) => [s.showtimeId, s]))
  const rooms = (await roomsWithLast(deps.db)).map((room) => overviewOf(room, showtimes.get(room.showtimeId), capacity))
  const withRoom = new Set(rooms.map((r) => r.showtimeId))
  return { capacityPerSecond: capacity, floorPerSecond: deps.settings.floor, rooms, showtimesWithoutRoom: [...showtimes.values()].filter((s) => !withRoom.has(s.showtimeId)) }
}

/** The admin's switch: forced on or off, or left to itself; and the outflow fixed, or following the workers. */
export const setRoom = async (deps: RoomDeps, showtimeId: string, change: { mode: Mode; fixedRate?: number | null | undefined }): Promise<RoomOverview> => {
  const showtime = await showtimeOf(deps.db, showtimeId)
  if (!showtime) throw new HttpError('NOT_FOUND', `no showtime "${showtimeId}"`)
  await openRoom(deps.db, showtimeId, deps.clock())
  for (let attempt = 0; attempt < 20; attempt++) {
    const now = deps.clock()
    const room = (await roomWithLast(deps.db, showtimeId))!
    const capacity = await capacityNow(deps, now)
    const after = applyMode(room, { mode: change.mode, fixedRate: change.fixedRate === undefined ? room.fixedRate : change.fixedRate }, { lastNumber: room.lastNumber, capacity, waitedMs: null }, now, deps.settings)
    if (await saveRoom(deps.db, room, after, now)) return overviewOf({ ...room, ...after }, showtime, capacity)
  }
  throw new HttpError('CONFLICT', 'the room kept changing under this change; try again')
}
