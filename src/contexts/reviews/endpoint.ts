import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { vipHandlers } from './handlers/vip.handlers.ts'
import { movieAdded } from './handlers/movie-added.handler.ts'
import { showtimeScheduled } from './handlers/showtime-scheduled.handler.ts'
import { writeReview } from './handlers/write-review.handler.ts'
import { ProjectReview } from './messages.ts'
import { projectReview } from './projections/movie-reviews.projection.ts'

/** Reviews' back end: reviews decided and stored, then taken into each movie's shared list and average. */
export const reviewsEndpoint = defineEndpoint({
  name: 'reviews',
  handlers: [showtimeScheduled, movieAdded, ...vipHandlers, writeReview, handle(ProjectReview, ({ reviewId }, ctx) => projectReview(ctx.tx, reviewId, ctx.now))],
})
