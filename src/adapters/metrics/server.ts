import Fastify from 'fastify'
import type { Logger } from 'pino'
import { hasAdminPassword } from '../../web/admin-guard.ts'
import type { Metrics } from './prometheus.ts'

/**
 * `/metrics` on a port of its own (POPCORN_METRICS_PORT), for a process that serves no pages — a worker, whose
 * counters (messages handled, retried, failed; processing and critical time) are its own and nobody else's. Admins
 * only, as on a web node: basic auth with the admin password (a scraper has no login).
 */
export const serveMetrics = async (metrics: Metrics, options: { port: number; host: string; password: string; logger: Logger }) => {
  const app = Fastify({ loggerInstance: options.logger.child({ server: 'metrics' }), disableRequestLogging: true })
  app.addHook('onRequest', async (request, reply) => {
    if (hasAdminPassword(request.headers.authorization, options.password)) return
    return reply.code(401).header('www-authenticate', 'Basic realm="Popcorn metrics", charset="UTF-8"')
      .send({ error: { code: 'UNAUTHORIZED', message: 'the metrics are for admins: basic auth as user "admin" with the admin password' } })
  })
  app.get('/metrics', async (_, reply) => reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.scrape()))
  const url = await app.listen({ port: options.port, host: options.host })
  return { url, close: () => app.close() }
}
