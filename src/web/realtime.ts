import type { Server, Socket } from 'socket.io'
import { issueAtHandshake, socketSession, type BrowserSessions } from './browser-session.ts'
import { tracePush } from './tracing.ts'

export const roomOf = (browserSession: string) => `session:${browserSession}`

/** What contexts may do with the browsers: push to a browser session, and take events from its sockets. */
export interface Realtime {
  toSession(browserSession: string, event: string, data: unknown): void
  /**
   * To the session's sockets that this web node holds, and no others: for an event every web node hears (a published
   * one), so that each node reaches its own sockets and a browser is told once, not once per node.
   */
  toSessionHere(browserSession: string, event: string, data: unknown): void
}

export interface BrowserSocket {
  readonly browserSession: string
  readonly socket: Socket
}

/**
 * Sockets join their browser session's room. A browser that loaded a page has its session already; one that
 * connects first is given a session by the handshake's answer (Set-Cookie), as a page would have given it.
 */
export const attachBrowserSessions = (io: Server, sessions: BrowserSessions, onSocket: (client: BrowserSocket) => void): Realtime => {
  io.engine.on('initial_headers', issueAtHandshake(sessions))
  io.use((socket, next) => {
    const browserSession = socketSession(sessions, socket.request)
    if (!browserSession) return next(new Error('no browser session: load a Popcorn page first, then connect'))
    socket.data.browserSession = browserSession
    next()
  })
  io.on('connection', (socket) => {
    const browserSession = socket.data.browserSession as string
    void socket.join(roomOf(browserSession))
    onSocket({ browserSession, socket })
  })
  return {
    toSession: (browserSession, event, data) => void io.to(roomOf(browserSession)).emit(event, tracePush(event, data)),
    toSessionHere: (browserSession, event, data) => void io.local.to(roomOf(browserSession)).emit(event, tracePush(event, data)),
  }
}
