import type { Socket } from 'socket.io'
import { z } from 'zod'
import { acknowledged } from '../../web/acks.ts'
import { crossSite, hasAdminPassword } from '../../web/admin-guard.ts'
import { HttpError, parse } from '../../web/errors.ts'
import type { BrowserSocket } from '../../web/realtime.ts'
import type { WebDeps } from '../index.ts'
import { consoleSnapshot } from './console.ts'

/** How often a web node pushes the console's moment to the admins watching it: the sparklines' step is a second. */
export const consolePushEveryMs = 2_000

const watchRequest = z.strictObject({}).optional()

/**
 * The console over the admins' sockets: `ops:watch` (an admin's login, or the admin password, on a socket of this
 * site) answers with the console's moment and then pushes it (`ops:snapshot`) every two seconds, while the socket
 * lasts. One reading per web node serves every admin watching it; nobody watching, nothing is read.
 */
export const consoleSocket = (web: WebDeps) => {
  const watching = new Set<Socket>()
  let timer: NodeJS.Timeout | undefined
  const snapshot = () => {
    if (!web.ops) throw new HttpError('NOT_FOUND', 'this web node has no console')
    return consoleSnapshot(web.db, web.ops, new Date(), { faults: web.config.POPCORN_FAULTS === 'on' })
  }
  let reading = false
  const push = async () => {
    if (reading) return // a slow read (a busy database) is not piled upon
    reading = true
    try {
      const moment = await snapshot()
      for (const socket of watching) socket.emit('ops:snapshot', moment)
    } catch (error) {
      web.logger.warn({ err: error }, 'the console could not be read; the next push tries again')
    } finally {
      reading = false
    }
  }
  const watch = (socket: Socket) => {
    if (watching.has(socket)) return
    watching.add(socket)
    socket.once('disconnect', () => {
      watching.delete(socket)
      if (watching.size > 0) return
      clearInterval(timer)
      timer = undefined
    })
    timer ??= setInterval(() => void push(), consolePushEveryMs)
  }
  const admin = async (socket: Socket) => {
    const { headers } = socket.request
    if (crossSite(headers)) return false
    if (hasAdminPassword(headers.authorization, web.config.POPCORN_ADMIN_PASSWORD)) return true
    return (await web.identity?.viewerOf(headers.cookie))?.admin === true
  }
  return ({ socket }: BrowserSocket) => {
    socket.on('ops:watch', acknowledged(web, 'ops:watch', async (payload) => {
      parse(watchRequest, payload, 'watch request')
      if (!(await admin(socket))) throw new HttpError('FORBIDDEN', 'the console is for admins: log in with an admin account')
      const moment = await snapshot()
      watch(socket)
      return { ok: true, snapshot: moment }
    }))
  }
}
