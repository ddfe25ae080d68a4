import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { parse as parseCookies, serialize } from 'cookie'
import { sign, unsign } from 'cookie-signature'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * A browser session: a random id the server issued, in an http-only cookie signed with the site's key
 * (`browser-session`, see siteSecret). Replies are addressed to it (the room a browser's sockets join), not to a
 * socket id, so a reload or a reconnect to another web node still gets them. A cookie the server did not sign —
 * invented, copied without its signature, or tampered with — is no session: its bearer gets a new one of their own.
 */
export const sessionCookie = 'popcorn_session'
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const maxAgeSeconds = 30 * 24 * 3600

export interface BrowserSessions {
  /** The session a request's Cookie header proves, if it proves one. */
  sessionOf(cookieHeader: string | undefined): string | undefined
  /** A new session, and the Set-Cookie header that gives it to the browser. */
  issue(): { readonly id: string; readonly setCookie: string }
}

export const browserSessions = (key: string): BrowserSessions => ({
  sessionOf(cookieHeader) {
    const signed = parseCookies(cookieHeader ?? '')[sessionCookie]
    if (!signed || signed.length > 200) return undefined
    const id = unsign(signed, key)
    return id !== false && idPattern.test(id) ? id : undefined
  },
  issue() {
    const id = randomUUID()
    return { id, setCookie: serialize(sessionCookie, sign(id, key), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: maxAgeSeconds }) }
  },
})

declare module 'fastify' {
  interface FastifyRequest {
    browserSession: string
  }
}

/** Every request has a browser session; a first visit (or one with a cookie the server did not sign) gets one set. */
export const registerBrowserSessions = (app: FastifyInstance, sessions: BrowserSessions) => {
  app.decorateRequest('browserSession', '')
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const known = sessions.sessionOf(request.headers.cookie)
    if (known) {
      request.browserSession = known
      return
    }
    const issued = sessions.issue()
    request.browserSession = issued.id
    reply.header('set-cookie', issued.setCookie)
  })
}

/** The session a socket's handshake issued (see attachBrowserSessions), kept on the handshake's request. */
const issuedAtHandshake = new WeakMap<IncomingMessage, string>()

/** For the socket server's `initial_headers`: a handshake without a session gets one, in the handshake's answer. */
export const issueAtHandshake = (sessions: BrowserSessions) => (headers: Record<string, string | string[]>, request: IncomingMessage) => {
  if (sessions.sessionOf(request.headers.cookie)) return
  const issued = sessions.issue()
  issuedAtHandshake.set(request, issued.id)
  headers['set-cookie'] = issued.setCookie
}

/** The session a socket belongs to: the one its cookie proves, or the one its handshake was just given. */
export const socketSession = (sessions: BrowserSessions, request: IncomingMessage) =>
  sessions.sessionOf(request.headers.cookie) ?? issuedAtHandshake.get(request)
