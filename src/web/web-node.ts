import type { Logger } from 'pino'
import { createSocketServer } from '../adapters/realtime/socket-io.ts'
import { admissionOf, availabilityOf, browserSessionsOf, buildApp, identityOf, opsSourcesOf } from '../app.ts'
import { loadConfig, type Config } from '../config.ts'
import { onWebNode, type ContextModule } from '../contexts/index.ts'
import type { Bus } from '../messaging/bus.ts'
import { defineEndpoint } from '../messaging/endpoint.ts'
import type { Database } from '../messaging/sql.ts'
import type { Metrics } from '../adapters/metrics/prometheus.ts'
import { attachBrowserSessions, type Realtime } from './realtime.ts'

export interface WebNodeOptions {
  readonly bus: Bus
  readonly db: Database
  readonly contexts: readonly ContextModule[]
  readonly logger: Logger
  readonly listen: { readonly port: number; readonly host: string }
  readonly maxBodyBytes: number
  /** PostgreSQL, when web nodes share one: the socket adapter reaches the browsers the other nodes hold. */
  readonly sharedDatabaseUrl?: string
  readonly describe: () => Record<string, unknown>
  /** The process's settings; the defaults unless given. */
  readonly config?: Config
  /** The process's metrics, served at /metrics (admins only); none unless given. */
  readonly metrics?: Metrics
}

/**
 * A web node: pages and routes, browsers' sockets, and its own queue (`web.<instance>`) where the replies to what
 * it sent arrive, to be pushed to the browser session that asked — on this node or, through the adapter, another.
 */
export const startWebNode = async (options: WebNodeOptions) => {
  // Made here once, so that this node's routes, sockets and handlers share their context's per-node state.
  const contexts = options.contexts.map(onWebNode)
  let sockets: Realtime | undefined
  const realtime: Realtime = {
    toSession: (browserSession, event, data) => sockets?.toSession(browserSession, event, data),
    toSessionHere: (browserSession, event, data) => sockets?.toSessionHere(browserSession, event, data),
  }
  const web = await options.bus.start(defineEndpoint({
    name: 'web',
    perInstance: true,
    handlers: contexts.flatMap((context) => context.webHandlers?.({ realtime }) ?? []),
  }))
  const config = options.config ?? loadConfig({})
  const availability = availabilityOf(options.contexts, { db: options.db })
  const admission = admissionOf(options.contexts, { db: options.db, config, logger: options.logger, availability })
  // Order submissions and waiting-room joins arriving together on this node share a transaction (group commit).
  const session = web.session.withGroupCommit({ windowMs: config.POPCORN_GROUP_COMMIT_MS, max: config.POPCORN_GROUP_COMMIT_MAX })
  const identity = identityOf(options.contexts, { db: options.db, config })
  const deps = { db: options.db, session, logger: options.logger, config, admission, availability, identity, ops: opsSourcesOf(options.bus, contexts, options.db) }
  const browserSessions = await browserSessionsOf(options.db, config)
  const app = await buildApp({ bus: options.bus, ...deps, browserSessions, logger: options.logger, maxBodyBytes: options.maxBodyBytes, describe: options.describe, contexts, ...(options.metrics && { metrics: options.metrics }) })
  const server = await createSocketServer(app.server, { logger: options.logger, ...(options.sharedDatabaseUrl && { databaseUrl: options.sharedDatabaseUrl }) })
  // Once per node: a context may keep per-node state for its sockets (the waiting room's watchers).
  const onSocket = contexts.flatMap((context) => (context.socket ? [context.socket(deps)] : []))
  sockets = attachBrowserSessions(server.io, browserSessions, (client) => {
    for (const handle of onSocket) handle(client)
  })
  options.metrics?.gauge('popcorn_socket_connections', 'Browsers connected to this web node over Socket.IO', () => server.io.engine.clientsCount)
  const url = await app.listen(options.listen)
  return {
    url,
    async stop() {
      await server.close()
      await app.close()
    },
  }
}
