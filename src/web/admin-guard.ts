import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'
import './identity.ts' // request.viewer

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

/** Whether an Authorization header gives the site's admin password (user `admin`); never, when it has none. */
export const hasAdminPassword = (authorization: string | undefined, password: string | undefined) => {
  const given = basicCredentials(authorization)
  return password !== undefined && given !== undefined && same(given.user, 'admin') && same(given.password, password)
}

/** A form, script or socket on another site, riding on the admin's credentials (basic auth and loopback both travel along). */
export const crossSite = (headers: IncomingHttpHeaders) => {
  if (headers['sec-fetch-site'] === 'cross-site') return true
  const origin = headers.origin
  if (!origin || origin === 'null') return origin === 'null'
  try {
    return new URL(origin).host !== headers.host
  } catch {
    return true
  }
}

/** Who is acting as admin: an admin account (its id), or `admin` for whoever has the site's admin password. */
export type AdminActor = string

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin guard on the routes it guards: who passed it. */
    admin: AdminActor | undefined
  }
}

/**
 * Guards one admin page or route: an admin account logged in (a role, given by another admin), or HTTP basic auth
 * as user `admin` with POPCORN_ADMIN_PASSWORD; whatever the address asking (an address proves nothing behind a proxy,
 * and a browser on this machine can be made to ask by any page). Without either, nobody. A change never comes from
 * another site.
 */
export const adminGuard = (password: string | undefined) => async (request: FastifyRequest, reply: FastifyReply) => {
  const byPassword = hasAdminPassword(request.headers.authorization, password)
  // Who is logged in was read once for the request, by the identity hook registered before this guard.
  const viewer = byPassword ? undefined : request.viewer
  if (!byPassword && !viewer?.admin) {
    if (viewer) throw new HttpError('FORBIDDEN', 'this page is for admins, and your account is not one', undefined, 'This page is for Popcorn’s staff. Your account is not an admin account.')
    if (!password) throw new HttpError('FORBIDDEN', 'the admin pages are closed: log in with an admin account, or set POPCORN_ADMIN_PASSWORD to open them (user "admin")')
    reply.header('www-authenticate', realm)
    throw new HttpError('UNAUTHORIZED', 'admin pages need an admin account logged in, or the admin password (user "admin")')
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && crossSite(request.headers)) {
    throw new HttpError('FORBIDDEN', 'admin settings cannot be changed from another site')
  }
  request.admin = byPassword ? 'admin' : viewer!.accountId
}

/**
 * Where the admin's pages and routes are: every route under these (ops, admin, the dev mailbox, the metrics) is guarded, whichever
 * context adds it, so that none can be added unguarded by forgetting to ask.
 */
export const adminAreas = ['/admin', '/api/admin', '/ops', '/api/ops', '/mailbox', '/api/mailbox', '/metrics'] as const

const inAdminArea = (route: string | undefined) =>
  route !== undefined && adminAreas.some((area) => route === area || route.startsWith(`${area}/`))

/**
 * The one guard for all of them, on the whole app: it looks at the route a request matched (its pattern, so no
 * spelling of the address gets around it); a request that matched none is a 404 anyway. Registered after the identity
 * hook (`registerIdentity`), whose viewer it reads.
 */
export const registerAdminGuard = (app: FastifyInstance, password: string | undefined) => {
  const guard = adminGuard(password)
  app.decorateRequest('admin', undefined)
  app.addHook('onRequest', async (request, reply) => {
    if (inAdminArea(request.routeOptions.url)) await guard(request, reply)
  })
}
