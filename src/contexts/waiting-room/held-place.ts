import { HttpError } from '../../web/errors.ts'
import { isAdmitted, type Place } from './room.rules.ts'
import { admissionTimes, sharedPlaceOfSession, sharedRoomOf, type StoredRoom } from './rooms.ts'
import type { RoomDeps } from './settings.ts'

export interface HeldPlace {
  readonly room: StoredRoom
  readonly place: Place
}

/**
 * The place a token stands for, if it is this browser's and still the place it holds: a token for another
 * session is refused, and so is one for a place given up (its turn passed, and it joined again under a new number).
 */
export const placeOfToken = async (deps: RoomDeps, token: string, browserSession: string, expect: { showtimeId?: string; room?: StoredRoom } = {}): Promise<HeldPlace> => {
  const now = deps.clock()
  const claims = await deps.tokens.verify(token, now)
  if (expect.showtimeId !== undefined && claims.showtimeId !== expect.showtimeId) {
    throw new HttpError('PLACE_TOKEN_INVALID', `that place token is for another showing ("${claims.showtimeId}"); join this one's waiting room`)
  }
  if (claims.browserSession !== browserSession) {
    throw new HttpError('PLACE_TOKEN_NOT_YOURS', 'that place token belongs to another browser; join the waiting room from this one')
  }
  // Read with the others asking at the same moment: in a burst every buyer's watch and order looks its place up.
  const room = expect.room ?? (await sharedRoomOf(deps.db, claims.showtimeId, deps.settings.readWindowMs))
  const held = room && (await sharedPlaceOfSession(deps.db, claims.showtimeId, browserSession, deps.settings.readWindowMs))
  if (!room || !held || held.number !== claims.place) {
    throw new HttpError('PLACE_TOKEN_EXPIRED', 'that place was given up (you joined again since); use your latest place', { url: `/waiting-room/${claims.showtimeId}` })
  }
  if (held.admittedAt || !isAdmitted(room, held)) return { room, place: held }
  const admittedAt = (await admissionTimes(deps.db, room.showtimeId, [held.number], now)).get(held.number) ?? now
  return { room, place: { ...held, admittedAt } }
}
