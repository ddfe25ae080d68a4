import type { Server, Socket } from 'socket.io'
import { sessionOf } from './browser-session.ts'

export const roomOf = (browserSession: string) => `session:${browserSession}`

/** What contexts may do with the browsers: push to a browser session, and take events from its sockets. */
export interface Realtime {
  toSession(browserSession: string, event: string, data: unknown): void
}

export interface BrowserSocket {
  readonly browserSession: string
  readonly socket: Socket
}

/** Sockets join their browser session's room; a socket without a session (no page loaded first) is refused. */
export const attachBrowserSessions = (io: Server, onSocket: (client: BrowserSocket) => void): Realtime => {
  io.use((socket, next) => {
    const browserSession = sessionOf(socket.handshake.headers.cookie)
    if (!browserSession) return next(new Error('no browser session: load a Popcorn page first, then connect'))
    socket.data.browserSession = browserSession
    next()
  })
  io.on('connection', (socket) => {
    const browserSession = socket.data.browserSession as string
    void socket.join(roomOf(browserSession))
    onSocket({ browserSession, socket })
  })
  return { toSession: (browserSession, event, data) => void io.to(roomOf(browserSession)).emit(event, data) }
}
