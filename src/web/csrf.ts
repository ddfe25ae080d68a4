import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'

/**
 * Every form that changes something carries a token (`_csrf`) that only a page of this site, shown to this browser
 * session, can have written: an HMAC of the session and the time it was made, good for a day. A form posted from
 * another site has none, and a token copied from another session or kept too long is refused; nothing is changed.
 * (The session cookie is SameSite=Lax as well; the token does not rest on it.)
 */
export const csrfField = '_csrf'
const lifetimeMs = 24 * 3_600_000

const mac = (key: string, session: string, issuedAt: string) =>
  createHmac('sha256', key).update(`${session}.${issuedAt}`).digest('base64url').slice(0, 32)

export const csrfToken = (key: string, session: string, now = Date.now()) => {
  const issuedAt = now.toString(36)
  return `${issuedAt}.${mac(key, session, issuedAt)}`
}

export const csrfTokenValid = (key: string, session: string, token: unknown, now = Date.now()): boolean => {
  if (typeof token !== 'string' || token.length > 64) return false
  const [issuedAt, given] = token.split('.')
  if (!issuedAt || !given || !/^[0-9a-z]{1,12}$/.test(issuedAt)) return false
  const age = now - parseInt(issuedAt, 36)
  if (!(age >= -60_000 && age < lifetimeMs)) return false
  const expected = Buffer.from(mac(key, session, issuedAt))
  const actual = Buffer.from(given)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

declare module 'fastify' {
  interface FastifyReply {
    /** What every template of this reply gets besides its own data (@fastify/view merges it in). */
    locals: Record<string, unknown> | null
  }
}

const isForm = (request: FastifyRequest) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers['content-type'] ?? '')
const changes = (request: FastifyRequest) => !['GET', 'HEAD', 'OPTIONS'].includes(request.method)

/**
 * Pages get the token as `it.csrf`; a form post without a good one is refused before its route sees it. JSON posts
 * need no token: a browser sends JSON across sites only after a preflight this site never allows.
 */
export const registerCsrf = (app: FastifyInstance, key: string, clock: () => number = Date.now) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.locals = { ...reply.locals, csrf: csrfToken(key, request.browserSession, clock()) }
  })
  // For a script that builds a form itself: only a page of this site can read the answer (no CORS), as with a page.
  app.get('/api/form-token', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return { field: csrfField, token: csrfToken(key, request.browserSession, clock()) }
  })
  app.addHook('preValidation', async (request) => {
    if (!changes(request) || !isForm(request)) return
    const token = (request.body as Record<string, unknown> | undefined)?.[csrfField]
    if (!csrfTokenValid(key, request.browserSession, token, clock())) {
      throw new HttpError('FORBIDDEN', 'this form is out of date or did not come from a page of this site (no valid _csrf token)', undefined,
        'That form had gone stale, so nothing was sent. Please go back, reload the page and try again.')
    }
  })
}
