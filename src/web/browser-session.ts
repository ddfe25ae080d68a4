import { randomUUID } from 'node:crypto'
import { parse as parseCookies, serialize } from 'cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * A browser session: a random id in an http-only cookie. Replies are addressed to it (the room a browser's
 * sockets join), not to a socket id, so a reload or a reconnect to another web node still gets them.
 */
export const sessionCookie = 'popcorn_session'
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const sessionOf = (cookieHeader: string | undefined): string | undefined => {
  const id = parseCookies(cookieHeader ?? '')[sessionCookie]
  return id && idPattern.test(id) ? id : undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    browserSession: string
  }
}

/** Every request has a browser session; a first visit gets one set. */
export const registerBrowserSessions = (app: FastifyInstance) => {
  app.decorateRequest('browserSession', '')
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const known = sessionOf(request.headers.cookie)
    request.browserSession = known ?? randomUUID()
    if (!known) {
      reply.header('set-cookie', serialize(sessionCookie, request.browserSession, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 30 * 24 * 3600 }))
    }
  })
}
