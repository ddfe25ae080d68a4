import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { opsApi } from './contexts/ops/api.ts'
import type { Bus } from './messaging/bus.ts'
import { registerErrorHandling } from './web/error-handler.ts'
import { homePage } from './web/home.ts'

export interface AppDeps {
  readonly bus: Bus
  readonly logger: Logger
  readonly maxBodyBytes: number
  readonly describe: () => Record<string, unknown>
}

/** The HTTP app, built apart from `listen` so that tests call `app.inject()`. */
export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: deps.maxBodyBytes, disableRequestLogging: true, return503OnClosing: true })
  registerErrorHandling(app)
  app.get('/health', async () => ({ status: 'ok', ...deps.describe() }))
  app.get('/', async (_, reply) => reply.type('text/html; charset=utf-8').send(homePage))
  await app.register(opsApi(deps.bus.errors))
  return app
}
