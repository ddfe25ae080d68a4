import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'

/**
 * Every form that changes something carries a token (`_csrf`) that only a page of this site, shown to this browser
 * session, can have written: an HMAC of the session and the time it was made, good for a day. A form posted from
 * another site has none, and a token copied from another session or kept too long is refused; nothing is changed.
 * Each token is good once: a form sent again with the token it was sent with (replayed) is refused, and nothing is
 * changed — but for forms that carry an id of their own (see `idempotentForm`). (The session cookie is SameSite=Lax as well; the token does not rest on it.)
 */
export const csrfField = '_csrf'
const lifetimeMs = 24 * 3_600_000

const mac = (key: string, session: string, issuedAt: string, nonce: string) =>
  createHmac('sha256', key).update(`${session}.${issuedAt}.${nonce}`).digest('base64url').slice(0, 32)

/** `<made at, base 36>.<random>.<mac>`: the random part tells apart tokens made in the same millisecond. */
export const csrfToken = (key: string, session: string, now = Date.now()) => {
  const issuedAt = now.toString(36)
  const nonce = randomBytes(9).toString('base64url')
  return `${issuedAt}.${nonce}.${mac(key, session, issuedAt, nonce)}`
}

export const csrfTokenValid = (key: string, session: string, token: unknown, now = Date.now()): boolean => {
  if (typeof token !== 'string' || token.length > 80) return false
  const [issuedAt, nonce, given, ...rest] = token.split('.')
  if (!issuedAt || !nonce || !given || rest.length || !/^[0-9a-z]{1,12}$/.test(issuedAt) || !/^[\w-]{12}$/.test(nonce)) return false
  const age = now - parseInt(issuedAt, 36)
  if (!(age >= -60_000 && age < lifetimeMs)) return false
  const expected = Buffer.from(mac(key, session, issuedAt, nonce))
  const actual = Buffer.from(given)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/**
 * Where spent tokens are remembered, for as long as a token lives: `spend` says whether this was the first use.
 * Without one (a unit's app), tokens are not tracked.
 */
export interface SpentTokens {
  spend(token: string, now: number): Promise<boolean>
}

/** Spent tokens in the database, shared by every web node; those older than a token's lifetime are dropped now and then. */
export const spentTokensIn = (db: { query(sql: string, params?: unknown[]): Promise<{ rowCount?: number | null }> }): SpentTokens => {
  let spends = 0
  return {
    async spend(token, now) {
      if (++spends % 500 === 1) await db.query('delete from messaging.spent_form_tokens where spent_at < $1', [new Date(now - lifetimeMs)])
      const { rowCount } = await db.query('insert into messaging.spent_form_tokens (token, spent_at) values ($1, $2) on conflict do nothing', [token, new Date(now)])
      return rowCount === 1
    },
  }
}

declare module 'fastify' {
  interface FastifyReply {
    /** What every template of this reply gets besides its own data (@fastify/view merges it in). */
    locals: Record<string, unknown> | null
  }
}

/**
 * A route whose form carries an id of its own (an order's, a catalog change's) answers a form sent twice as it
 * answered the first, without doing anything twice: its token is not spent, so a double click without a script lands
 * on the outcome, not on "sent already". `app.post(path, { config: idempotentForm }, handler)`.
 */
export const idempotentForm = { idempotentForm: true } as const
const isIdempotentForm = (request: FastifyRequest) => (request.routeOptions.config as { idempotentForm?: boolean } | undefined)?.idempotentForm === true

const isForm = (request: FastifyRequest) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers['content-type'] ?? '')
const changes = (request: FastifyRequest) => !['GET', 'HEAD', 'OPTIONS'].includes(request.method)

/**
 * Pages get the token as `it.csrf`; a form post without a good one is refused before its route sees it. JSON posts
 * need no token: a browser sends JSON across sites only after a preflight this site never allows.
 */
export const registerCsrf = (app: FastifyInstance, key: string, spent?: SpentTokens, clock: () => number = Date.now) => {
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
    if (spent && !isIdempotentForm(request) && !(await spent.spend(token as string, clock()))) {
      throw new HttpError('CONFLICT', 'this form was sent already with this _csrf token; each token is good once: load the page again for a new one', undefined,
        'That form was sent already, so it was not sent again. To send it anew, go back and reload the page first.')
    }
  })
}

/** A form's own fields, without the token that came along (checked already, before the route): for strict schemas. */
export const formFields = (body: unknown): unknown =>
  body !== null && typeof body === 'object' ? Object.fromEntries(Object.entries(body).filter(([name]) => name !== csrfField)) : body
