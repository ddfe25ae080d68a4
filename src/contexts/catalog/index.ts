import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { catalogWeb } from './api.ts'
import { catalogMessages } from './messages.ts'
import { seedCatalog } from './seed.ts'

/** Movies, theaters and showtimes: what is on where, at what price, with which ticket type. */
export const catalog: ContextModule = {
  name: 'catalog',
  messages: catalogMessages,
  migrations: { owner: 'catalog', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  onStart: async ({ session }) => void (await seedCatalog(session, new Date())),
  web: catalogWeb,
}
