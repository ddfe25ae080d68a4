import { RateLimiterMemory } from 'rate-limiter-flexible'
import { z } from 'zod'
import type { Database, Sql } from '../../messaging/sql.ts'
import { HttpError, parse } from '../../web/errors.ts'
import { isAdmitted, statusOf, turnHasPassed, type Place, type PlaceStatus, type RoomSettings } from './room.rules.ts'
import { admissionTimes, heldOrNewPlace, openRoom, requeuePlace, type StoredRoom } from './rooms.ts'
import type { RoomDeps } from './settings.ts'
import { knownShowtimeOf } from './showtimes.ts'

export const showtimeId = z.string().max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a showtime id is lowercase letters, digits and dashes')
const joinRequest = z.object({ showtimeId })

export interface Joined {
  readonly token: string
  readonly place: PlaceStatus
}

/** One limiter per database and limit in this process, shared by the HTTP and socket ways in: a flood counts once, however it comes. */
const limiters = new WeakMap<Database, Map<number, RateLimiterMemory>>()
const throttle = async (db: Database, perMinute: number, address: string) => {
  const ofDb = limiters.get(db) ?? new Map<number, RateLimiterMemory>()
  limiters.set(db, ofDb)
  let limiter = ofDb.get(perMinute)
  if (!limiter) ofDb.set(perMinute, (limiter = new RateLimiterMemory({ points: perMinute, duration: 60 })))
  await limiter.consume(address).catch(() => {
    throw new HttpError('TOO_MANY_REQUESTS', 'too many joins from your address; wait a minute and try again')
  })
}

/**
 * The session's place in the room: the one it has (one per session per room), a new one at the back when it has
 * none or its turn has passed. A room that is not on lets the place in at once.
 */
const placeFor = async (sql: Sql, settings: RoomSettings, room: StoredRoom, browserSession: string, now: Date): Promise<Place> => {
  const fresh = { showtimeId: room.showtimeId, browserSession, joinedAt: now, throughAtJoin: room.admittedThrough, admittedAt: room.active ? null : now }
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await heldOrNewPlace(sql, room, fresh)
    const place =
      !found || found.isNew ? found?.place
      : turnHasPassed(found.place, now, settings) ? await requeuePlace(sql, room, found.place, fresh)
      : found.place
    if (!place) continue // the same session joined at the same moment: take what it got
    if (place.admittedAt || !isAdmitted(room, place)) return place
    return { ...place, admittedAt: (await admissionTimes(sql, room.showtimeId, [place.number], now)).get(place.number) ?? now }
  }
  throw new HttpError('CONFLICT', 'this browser is joining the same waiting room several times at once; try again')
}

/**
 * Joins a showtime's waiting room (again): the place, and a fresh signed token for it. Bad input is refused first;
 * the place is written in a transaction shared with the joins and orders arriving with it (group commit).
 */
export const joinRoom = async (deps: RoomDeps, input: unknown, who: { readonly browserSession: string; readonly address: string }): Promise<Joined> => {
  await throttle(deps.db, deps.settings.joinsPerAddressPerMinute, who.address)
  const request = parse(joinRequest, input, 'join request')
  if (!(await knownShowtimeOf(deps.db, request.showtimeId))) throw new HttpError('NOT_FOUND', `no showtime "${request.showtimeId}"`)
  const now = deps.clock()
  const room = await openRoom(deps.db, request.showtimeId, now, deps.settings.readWindowMs)
  const place = await deps.commit((tx) => placeFor(tx, deps.settings, room, who.browserSession, now))
  const token = await deps.tokens.sign({ showtimeId: room.showtimeId, place: place.number, browserSession: who.browserSession }, now)
  return { token, place: statusOf(room, place, deps.settings) }
}
