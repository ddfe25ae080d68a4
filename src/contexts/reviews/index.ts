import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { reviewsWeb } from './api.ts'
import { reviewsEndpoint } from './endpoint.ts'
import { reviewsMessages } from './messages.ts'

/** People's star ratings and words on movies: written in the browser at once, stored and shared asynchronously. */
export const reviews: ContextModule = {
  name: 'reviews',
  messages: reviewsMessages,
  migrations: { owner: 'reviews', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: reviewsEndpoint,
  web: reviewsWeb,
}
