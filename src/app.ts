import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { siteSecret } from './adapters/db/secrets.ts'
import { loadConfig, type Config } from './config.ts'
import { contexts as allContexts, onWebNode, type ContextModule, type OpsSources } from './contexts/index.ts'
import { opsApi } from './contexts/ops/api.ts'
import { endpointsApi } from './contexts/ops/endpoints.ts'
import { faultsApi } from './contexts/ops/faults.api.ts'
import type { Bus } from './messaging/bus.ts'
import type { MessageSession } from './messaging/session.ts'
import type { Database } from './messaging/sql.ts'
import formBody from '@fastify/formbody'
import { admitEveryone, type Admission } from './web/admission.ts'
import { alwaysAvailable, type Availability } from './web/availability.ts'
import { browserSessions, registerBrowserSessions, type BrowserSessions } from './web/browser-session.ts'
import { registerAdminGuard } from './web/admin-guard.ts'
import { registerCsrf, spentTokensIn } from './web/csrf.ts'
import { readingsOf, type Metrics } from './adapters/metrics/prometheus.ts'
import { everyoneAnonymous, type Identity, registerIdentity } from './web/identity.ts'
import { trustedProxies } from './web/client-address.ts'
import { answerFrameworkError, registerErrorHandling } from './web/error-handler.ts'
import { registerViews } from './web/views.ts'
import { registerHttpTracing } from './web/tracing.ts'

export interface AppDeps {
  readonly bus: Bus
  readonly db: Database
  /** How the web process sends: each context's pages and routes get it. */
  readonly session: MessageSession
  readonly logger: Logger
  readonly maxBodyBytes: number
  readonly describe: () => Record<string, unknown>
  /** Whose pages and routes to serve; every context unless a test picks some. */
  readonly contexts?: readonly ContextModule[]
  /** The process's settings; the defaults unless given. */
  readonly config?: Config
  /** The gate in front of ordering, when the caller made it already (a web node shares it with its sockets). */
  readonly admission?: Admission
  /** Ordering's view of what is sold out, when the caller made it already. */
  readonly availability?: Availability
  /** The browser sessions' signer, when the caller made it already (a web node shares it with its sockets). */
  readonly browserSessions?: BrowserSessions
  /** Who is logged in, when the caller made it already (a web node shares it with its sockets). */
  readonly identity?: Identity
  /** The process's metrics, served at /metrics to admins (and to a Prometheus given the admin's credentials). */
  readonly metrics?: Metrics
}

/** Browser sessions signed with the site's key for them (POPCORN_SECRET's, or one kept in the database). */
export const browserSessionsOf = async (db: Database, config: Config) =>
  browserSessions(await siteSecret(db, 'browser-session', config.POPCORN_SECRET))

/** Ordering's view of which showtimes are sold out, when a context provides it; without it every one may have seats. */
export const availabilityOf = (contexts: readonly ContextModule[], deps: { db: Database }): Availability => {
  const providers = contexts.filter((context) => context.availability)
  if (providers.length > 1) throw new Error(`only one context may say what is sold out; ${providers.map((c) => c.name).join(' and ')} both do`)
  return providers[0]?.availability?.(deps) ?? alwaysAvailable
}

/** Who is logged in, as the context that provides it (accounts) says; without it everyone is anonymous. */
export const identityOf = (contexts: readonly ContextModule[], deps: { db: Database; config: Config }): Identity => {
  const providers = contexts.filter((context) => context.identity)
  if (providers.length > 1) throw new Error(`only one context may say who is logged in; ${providers.map((c) => c.name).join(' and ')} both do`)
  return providers[0]?.identity?.(deps) ?? everyoneAnonymous
}

/** The gate of the context that provides one (the waiting room); without it everyone may order. */
export const admissionOf = (contexts: readonly ContextModule[], deps: { db: Database; config: Config; logger: Logger; availability?: Availability }): Admission => {
  const providers = contexts.filter((context) => context.admission)
  if (providers.length > 1) throw new Error(`only one context may control admission; ${providers.map((c) => c.name).join(' and ')} both do`)
  return providers[0]?.admission?.(deps) ?? admitEveryone
}

/** What the ops console reads of this process: its bus's error queue and queue depths, the contexts' gauges. */
export const opsSourcesOf = (bus: Pick<Bus, 'errors' | 'depths'>, contexts: readonly ContextModule[], db: Database): OpsSources => {
  const keeping = contexts.flatMap((context) => (context.books ? [context.books] : []))
  return {
    errors: bus.errors, depths: bus.depths, readings: () => readingsOf(contexts, db),
    books: () => Promise.all(keeping.map((books) => books.perShowing(db))),
    bookOf: (showtimeId) => Promise.all(keeping.map((books) => books.ofShowing(db, showtimeId))),
  }
}

/** The HTTP app, built apart from `listen` so that tests call `app.inject()`. */
export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const config = deps.config ?? loadConfig({})
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: deps.maxBodyBytes, logController: new LogController({ disableRequestLogging: true }), return503OnClosing: true,
    frameworkErrors: answerFrameworkError, trustProxy: trustedProxies(config.POPCORN_TRUST_PROXY),
  })
  // First: its hook wraps the handler of every route registered after it.
  registerHttpTracing(app)
  registerErrorHandling(app, deps.db)
  const contexts = (deps.contexts ?? allContexts).map(onWebNode)
  const identity = deps.identity ?? identityOf(contexts, { db: deps.db, config })
  registerBrowserSessions(app, deps.browserSessions ?? await browserSessionsOf(deps.db, config))
  await app.register(formBody)
  await registerViews(app)
  // After the views: their hook starts each reply's `locals` afresh, and these add to it.
  registerCsrf(app, await siteSecret(deps.db, 'csrf', config.POPCORN_SECRET), spentTokensIn(deps.db))
  registerIdentity(app, identity)
  // After the identity hook: the guard lets in an admin's login as the hook read it.
  registerAdminGuard(app, config.POPCORN_ADMIN_PASSWORD)
  app.get('/health', async () => ({ status: 'ok', ...deps.describe() }))
  const { metrics } = deps
  if (metrics) app.get('/metrics', async (_, reply) => reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.scrape()))
  await app.register(opsApi(deps.bus.errors))
  await app.register(endpointsApi(deps.db, deps.bus.depths))
  await app.register(faultsApi({ db: deps.db, catalog: deps.bus.catalog, enabled: config.POPCORN_FAULTS === 'on', refresh: deps.bus.faults.refresh }))
  const availability = deps.availability ?? availabilityOf(contexts, { db: deps.db })
  const admission = deps.admission ?? admissionOf(contexts, { db: deps.db, config, logger: deps.logger, availability })
  const web = { db: deps.db, session: deps.session, logger: deps.logger, config, admission, availability, identity, ops: opsSourcesOf(deps.bus, contexts, deps.db) }
  for (const context of contexts) if (context.web) await app.register(context.web(web))
  // The staff's index: behind the admin guard, as everything under /admin.
  app.get('/admin', async (_, reply) => reply.view('web/views/admin.eta', { title: 'Staff', mailbox: config.POPCORN_DEV_MAILBOX === 'on' }))
  return app
}
