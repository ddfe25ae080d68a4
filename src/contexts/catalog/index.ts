import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { catalogAdminWeb } from './admin.api.ts'
import { catalogWeb } from './api.ts'
import { catalogEndpoint } from './endpoint.ts'
import { catalogLag } from './changes.ts'
import { projectionLag } from '../../adapters/metrics/prometheus.ts'
import { catalogMessages } from './messages.ts'
import { seedCatalog } from './seed.ts'

/** Movies, theaters and showtimes: what is on where, at what price, with which ticket type; changed by admins. */
export const catalog: ContextModule = {
  name: 'catalog',
  messages: catalogMessages,
  migrations: { owner: 'catalog', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: catalogEndpoint,
  readings: async (db, now) => {
    const lag = await catalogLag(db, now)
    return projectionLag('catalog', { pending: lag.changes, oldestMs: lag.oldestMs })
  },
  onStart: async ({ session }) => void (await seedCatalog(session, new Date())),
  web: (deps) => async (app) => {
    await app.register(catalogWeb(deps))
    await app.register(catalogAdminWeb(deps))
  },
}
