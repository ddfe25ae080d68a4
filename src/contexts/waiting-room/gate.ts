import type { Admission } from '../../web/admission.ts'
import { HttpError } from '../../web/errors.ts'
import { placeOfToken } from './held-place.ts'
import { statusOf, turnHasPassed } from './room.rules.ts'
import { sharedRoomOf } from './rooms.ts'
import type { RoomDeps } from './settings.ts'

/**
 * The waiting room in front of ordering: while a showtime's room is on, an order needs the place token of a place
 * that was let through, held by the same browser, within its admission window. A room that is off asks nothing.
 */
export const admissionGate = (deps: RoomDeps): Admission => ({
  async check({ showtimeId, browserSession, placeToken }) {
    const room = await sharedRoomOf(deps.db, showtimeId, deps.settings.readWindowMs)
    if (!room?.active) return
    const url = `/waiting-room/${showtimeId}`
    if (!placeToken) throw new HttpError('WAITING_ROOM', 'this showing is busy: take a place in its waiting room, and order when it is your turn', { url })
    const { place } = await placeOfToken(deps, placeToken, browserSession, { showtimeId, room })
    const status = statusOf(room, place, deps.settings)
    if (!status.admitted) {
      throw new HttpError('NOT_YOUR_TURN', `not your turn yet: you are number ${status.position} in the queue`, { position: status.position, etaSeconds: status.etaSeconds, url })
    }
    if (turnHasPassed(place, deps.clock(), deps.settings)) throw new HttpError('PLACE_TOKEN_EXPIRED', 'your turn has passed; join the queue again', { url })
  },
})
