import { z } from 'zod'
import { acknowledged } from '../../web/acks.ts'
import { clientAddress } from '../../web/client-address.ts'
import { parse } from '../../web/errors.ts'
import type { BrowserSocket } from '../../web/realtime.ts'
import type { WebDeps } from '../index.ts'
import { placeOfToken } from './held-place.ts'
import { joinRoom } from './join.ts'
import { statusOf } from './room.rules.ts'
import { roomDeps } from './settings.ts'
import { startWatchers } from './watchers.ts'

const watchRequest = z.object({ token: z.string().min(1).max(2_000) })

/**
 * The waiting room over a browser's socket: `waiting-room:join` takes (or keeps) a place and returns its token;
 * `waiting-room:watch` with a token has its status pushed (`waiting-room:status`) until it is let through.
 */
export const waitingRoomSocket = (web: WebDeps) => {
  const deps = roomDeps(web)
  const watchers = startWatchers(deps, web.logger)
  return ({ browserSession, socket }: BrowserSocket) => {
    const address = clientAddress(socket.request, web.config.POPCORN_TRUST_PROXY)
    socket.on('waiting-room:join', acknowledged(web, 'waiting-room:join', async (payload) =>
      ({ ok: true, ...(await joinRoom(deps, payload, { browserSession, address })) })))

    socket.on('waiting-room:watch', acknowledged(web, 'waiting-room:watch', async (payload) => {
      const { token } = parse(watchRequest, payload, 'watch request')
      const { room, place } = await placeOfToken(deps, token, browserSession)
      const status = statusOf(room, place, deps.settings)
      if (!status.admitted) watchers.watch(socket, place)
      return { ok: true, place: status }
    }))
  }
}
