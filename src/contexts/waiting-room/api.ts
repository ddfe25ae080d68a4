import { serialize } from 'cookie'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { placeCookie, placeTokenFromCookies } from '../../web/admission.ts'
import { HttpError, parse } from '../../web/errors.ts'
import { clientAddress } from '../../web/client-address.ts'
import type { WebDeps } from '../index.ts'
import { registerAdmin } from './admin.ts'
import { placeOfToken } from './held-place.ts'
import { joinRoom, showtimeId } from './join.ts'
import { statusOf } from './room.rules.ts'
import { placeOfSession, roomOf } from './rooms.ts'
import { roomDeps, type RoomDeps } from './settings.ts'
import { orderUrlOf, showtimeOf } from './showtimes.ts'
import { statusText, turnPassed, waitText } from './status-text.ts'
import { startTicker } from './ticker.ts'

const roomParams = z.object({ showtimeId })
const mineQuery = z.object({ token: z.string().min(1).max(2_000).optional() })

/** The token goes back to the script and into a cookie for this room: closing the tab does not lose the place. */
const keepToken = (deps: RoomDeps, reply: FastifyReply, joined: { token: string; place: { showtimeId: string } }) =>
  reply.header('set-cookie', serialize(placeCookie(joined.place.showtimeId), joined.token, {
    httpOnly: true, sameSite: 'lax', path: '/', maxAge: Math.floor(deps.tokens.ttlMs / 1000),
  }))

/** The waiting room over HTTP (the fallback to the socket), its page, the admin's switches; and this node's ticker. */
export const waitingRoomWeb = (web: WebDeps) => async (app: FastifyInstance) => {
  const deps = roomDeps(web)
  const ticker = startTicker(deps, web.logger)
  app.addHook('onClose', async () => ticker.stop())

  app.post('/api/waiting-room/:showtimeId/places', async (request, reply) => {
    const joined = await joinRoom(deps, request.params, { browserSession: request.browserSession, address: clientAddress(request.raw, web.config.POPCORN_TRUST_PROXY) })
    keepToken(deps, reply, joined)
    return joined
  })

  app.get('/api/waiting-room/:showtimeId/places/mine', async (request) => {
    const { showtimeId } = parse(roomParams, request.params, 'path')
    const { token } = parse(mineQuery, request.query, 'query')
    const placeToken = token ?? placeTokenFromCookies(request.headers.cookie, showtimeId)
    if (!placeToken) throw new HttpError('NOT_FOUND', 'you have no place in this waiting room yet; join it first')
    const { room, place } = await placeOfToken(deps, placeToken, request.browserSession, { showtimeId })
    return { place: statusOf(room, place, deps.settings) }
  })

  app.get('/waiting-room/:showtimeId', async (request, reply) => {
    const { showtimeId } = parse(roomParams, request.params, 'path')
    const showtime = await showtimeOf(deps.db, showtimeId)
    if (!showtime) throw new HttpError('NOT_FOUND', `no showtime "${showtimeId}"`)
    const room = await roomOf(deps.db, showtimeId)
    const held = room && (await placeOfSession(deps.db, showtimeId, request.browserSession))
    const status = room && held ? statusOf(room, held, deps.settings) : undefined
    const now = deps.clock()
    return reply.view('contexts/waiting-room/views/room.eta', {
      title: `Waiting room: ${showtime.movieTitle}`,
      showtime,
      status,
      passed: status ? turnPassed(status, now) : false,
      message: status ? statusText(status, now) : 'Take a place in the queue to order tickets for this showing.',
      wait: status ? waitText(status.etaSeconds) : '',
      orderUrl: orderUrlOf(showtime),
      admissionMinutes: Math.round(deps.settings.admissionMs / 60_000),
    })
  })

  // Without a script: a button takes (or keeps) the place, and the page shows it.
  app.post('/waiting-room/:showtimeId', async (request, reply) => {
    const joined = await joinRoom(deps, request.params, { browserSession: request.browserSession, address: clientAddress(request.raw, web.config.POPCORN_TRUST_PROXY) })
    keepToken(deps, reply, joined)
    return reply.redirect(`/waiting-room/${joined.place.showtimeId}`, 303)
  })

  await app.register(registerAdmin(deps))
}
