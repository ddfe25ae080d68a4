import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { reviewRules, WriteReview } from './messages.ts'
import { movieReviewsFor } from './projections/movie-reviews.projection.ts'
import { refusalWords } from './review.decider.ts'
import { movieTitle, progressOf } from './reviews.ts'

const movieId = z.string().max(80).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a movie id, like "dune-part-two"')
const movieParams = z.object({ movieId })
const reviewBody = z.strictObject({
  reviewId: z.uuid('a review id is a uuid the page makes'),
  movieId,
  stars: z.number().int('a whole number of stars').min(reviewRules.stars.min, 'at least one star').max(reviewRules.stars.max, 'at most five stars'),
  text: z.string().trim().min(1, 'a review needs a few words').max(reviewRules.textMax, `at most ${reviewRules.textMax.toLocaleString('en')} characters`),
})
const progressQuery = z.object({
  ids: z.string().max(50 * 37).transform((s) => s.split(',')).pipe(z.array(z.uuid('review ids are uuids')).min(1).max(50, 'at most 50 at a time')),
})

/**
 * Reviews in the browser: each movie's reviews page (the shared list with the reader's own on top), and the
 * write path the page's script uses: a review is sent as a command and stored asynchronously; the script asks how
 * its reviews stand by id until each is stored or refused.
 */
export const reviewsWeb = ({ db, session }: WebDeps) => async (app: FastifyInstance) => {
  const titleOr404 = async (id: string) => (await movieTitle(db, id)) ?? (() => { throw new HttpError('NOT_FOUND', `no movie "${id}" to review`) })()

  app.get('/movies/:movieId/reviews', async (request, reply) => {
    const { movieId } = parse(movieParams, request.params, 'path')
    const title = await titleOr404(movieId)
    const reviews = await movieReviewsFor(db, movieId, request.viewer?.accountId)
    return reply.view('contexts/reviews/views/reviews.eta', { title: `Reviews of ${title}`, nav: 'movies', movieTitle: title, reviews, rules: reviewRules })
  })

  app.get('/api/movies/:movieId/reviews', async (request) => {
    const { movieId } = parse(movieParams, request.params, 'path')
    await titleOr404(movieId)
    return movieReviewsFor(db, movieId, request.viewer?.accountId)
  })

  app.post('/api/reviews', async (request, reply) => {
    if (!request.viewer) throw new HttpError('UNAUTHORIZED', 'log in to write a review')
    const review = parse(reviewBody, request.body, 'review')
    await titleOr404(review.movieId)
    await session.send(WriteReview, {
      ...review, accountId: request.viewer.accountId, author: request.viewer.displayName, writtenAt: new Date().toISOString(),
    })
    return reply.status(202).send({ reviewId: review.reviewId, state: 'pending' })
  })

  app.get('/api/reviews/mine', async (request) => {
    if (!request.viewer) throw new HttpError('UNAUTHORIZED', 'log in to see your reviews')
    const { ids } = parse(progressQuery, request.query, 'query')
    const items = await progressOf(db, request.viewer.accountId, ids)
    return { items: items.map((item) => (item.state === 'refused' ? { ...item, why: refusalWords[item.reason] } : item)) }
  })
}
