import { handle } from '../../../messaging/handler.ts'
import { projectionDue } from '../../../messaging/switches.ts'
import { ProjectReview, ReviewWritten, WriteReview } from '../messages.ts'
import { decide } from '../review.decider.ts'
import { loadReviewState, storeDecision } from '../reviews.ts'

/**
 * A review is decided and stored, or refused with its reason (the browser asks for it by id). A stored one goes
 * into the shared read model by ProjectReview: at once, or after ops' projection delay.
 */
export const writeReview = handle(WriteReview, async (review, ctx) => {
  const { reviewId, movieId, accountId, author, stars, text, writtenAt } = review
  const state = await loadReviewState(ctx.tx, accountId, movieId)
  const { events } = decide({ type: 'WriteReview', data: { reviewId, stars, text, writtenAt } }, state)
  for (const event of events) {
    await storeDecision(ctx.tx, event, { movieId, accountId, author, now: ctx.now })
    if (event.type !== 'ReviewWritten') continue
    ctx.publish(ReviewWritten, { reviewId, movieId, accountId, stars })
    const deliverAt = await projectionDue(ctx.tx, ctx.now)
    ctx.send(ProjectReview, { reviewId }, { ...(deliverAt && { deliverAt }) })
  }
})
