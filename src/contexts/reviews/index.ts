import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { reviewsWeb } from './api.ts'
import { reviewsEndpoint } from './endpoint.ts'
import { reviewsMessages } from './messages.ts'
import { MovieAdded } from '../catalog/messages.ts'
import { VipConfirmed, VipGranted, VipRevoked } from '../accounts/messages.ts'
import { reviewsLag } from './projections/movie-reviews.projection.ts'
import { projectionLag } from '../../adapters/metrics/prometheus.ts'

/** People's star ratings and words on movies: written in the browser at once, stored and shared asynchronously. */
export const reviews: ContextModule = {
  name: 'reviews',
  // The catalog's MovieAdded and accounts' VIP events, listed so that reviews can run in a process without the catalog.
  messages: [...reviewsMessages, MovieAdded, VipGranted, VipConfirmed, VipRevoked],
  migrations: { owner: 'reviews', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: reviewsEndpoint,
  web: reviewsWeb,
  readings: async (db, now) => {
    const lag = await reviewsLag(db, now)
    return projectionLag('reviews', { pending: lag.reviews, oldestMs: lag.oldestMs })
  },
}
