import { z } from 'zod'
import { defineCommand, defineEvent } from '../../messaging/message.ts'

/** Reviews' public contract: a person's star rating and words on a movie. */

/** What a review may be: the page says it, the edge and the decider hold to it. */
export const reviewRules = { stars: { min: 1, max: 5 }, textMax: 2_000, authorMax: 60 } as const

const slug = z.string().min(1).max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)

/**
 * Write this review (sent from the web, stored asynchronously). The id is made by the browser, so a review sent
 * twice — a retry after a spell offline, a reload — is one review.
 */
export const WriteReview = defineCommand('reviews.WriteReview', 'reviews', z.object({
  reviewId: z.uuid(),
  movieId: slug,
  accountId: z.uuid(),
  author: z.string().max(reviewRules.authorMax),
  stars: z.number().int().min(reviewRules.stars.min).max(reviewRules.stars.max),
  // The decider refuses past textMax with a reason; the message itself only bounds what it carries.
  text: z.string().max(reviewRules.textMax * 2),
  writtenAt: z.iso.datetime(),
}))

export const ReviewWritten = defineEvent('reviews.ReviewWritten', z.object({
  reviewId: z.uuid(),
  movieId: slug,
  accountId: z.uuid(),
  stars: z.number().int().min(reviewRules.stars.min).max(reviewRules.stars.max),
}))

/**
 * Reviews' own: the shared read model of the movie (its list and average) is to take this review in. Sent with the
 * write, in its transaction — late on purpose when ops has set a projection delay.
 */
export const ProjectReview = defineCommand('reviews.ProjectReview', 'reviews', z.object({ reviewId: z.uuid() }))

export const reviewsMessages = [WriteReview, ReviewWritten, ProjectReview]
