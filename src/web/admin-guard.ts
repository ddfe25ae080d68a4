import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const realm = 'Basic realm="Popcorn admin", charset="UTF-8"'

const digest = (text: string) => createHash('sha256').update(text).digest()
/** Compares digests, so neither the length nor the first wrong character shows in the time it takes. */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b))

const basicCredentials = (header: string | undefined): { user: string; password: string } | undefined => {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** A form or script on another site, riding on the admin's credentials (basic auth and loopback both travel along). */
const crossSite = (request: FastifyRequest) => {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true
  const origin = request.headers.origin
  if (!origin || origin === 'null') return origin === 'null'
  try {
    return new URL(origin).host !== request.headers.host
  } catch {
    return true
  }
}

/**
 * Guards admin pages and routes (an `onRequest` hook for the plugin that holds them): with a password, HTTP basic
 * auth as user `admin`; without one, only this machine may ask. A change never comes from another site.
 */
export const adminGuard = (password: string | undefined) => async (request: FastifyRequest, reply: FastifyReply) => {
  if (password) {
    const given = basicCredentials(request.headers.authorization)
    if (!given || !same(given.user, 'admin') || !same(given.password, password)) {
      reply.header('www-authenticate', realm)
      throw new HttpError('UNAUTHORIZED', 'admin pages need the admin password (user "admin")')
    }
  } else if (!loopback.has(request.ip)) {
    throw new HttpError('FORBIDDEN', 'admin pages answer only to this machine; set POPCORN_ADMIN_PASSWORD to reach them from elsewhere')
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && crossSite(request)) {
    throw new HttpError('FORBIDDEN', 'admin settings cannot be changed from another site')
  }
}
