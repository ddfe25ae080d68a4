import type { Database, Sql } from '../../messaging/sql.ts'
import { initialState, type ReviewEvent, type ReviewRefusal, type ReviewState } from './review.decider.ts'

/** The write model: what a person wrote and what was refused, and the movies there are to review. */

export const listMovie = (sql: Sql, movieId: string, title: string) =>
  sql.query('insert into reviews.movies (movie_id, title) values ($1, $2) on conflict (movie_id) do update set title = excluded.title', [movieId, title])

export const movieTitle = async (sql: Sql, movieId: string): Promise<string | undefined> =>
  (await sql.query<{ title: string }>('select title from reviews.movies where movie_id = $1', [movieId])).rows[0]?.title

/** A person's reviews of one movie as the decider sees them. */
export const loadReviewState = async (sql: Sql, accountId: string, movieId: string): Promise<ReviewState> => {
  const { rows } = await sql.query<{ listed: boolean; written: string | null; refused: string[] }>(
    `select exists (select 1 from reviews.movies where movie_id = $2) as listed,
       (select review_id::text from reviews.reviews where account_id = $1 and movie_id = $2) as written,
       array(select review_id::text from reviews.refusals where account_id = $1 and movie_id = $2) as refused`, [accountId, movieId])
  const row = rows[0]!
  const base = initialState(row.listed)
  if (base.status === 'no-such-movie') return base
  return row.written ? { status: 'reviewed', reviewId: row.written, refused: row.refused } : { status: 'open', refused: row.refused }
}

export const storeDecision = async (sql: Sql, event: ReviewEvent, at: { movieId: string; accountId: string; author: string; now: Date }) => {
  if (event.type === 'ReviewWritten') {
    const { reviewId, stars, text, writtenAt } = event.data
    await sql.query(
      `insert into reviews.reviews (review_id, movie_id, account_id, author, stars, text, written_at, stored_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [reviewId, at.movieId, at.accountId, at.author, stars, text, writtenAt, at.now])
  } else {
    await sql.query('insert into reviews.refusals (review_id, movie_id, account_id, reason, refused_at) values ($1, $2, $3, $4, $5)',
      [event.data.reviewId, at.movieId, at.accountId, event.data.reason, at.now])
  }
}

export type ReviewProgress = { reviewId: string; state: 'stored' } | { reviewId: string; state: 'refused'; reason: ReviewRefusal } | { reviewId: string; state: 'unknown' }

/** Where each of a person's reviews stands (someone else's ids are unknown to them). */
export const progressOf = async (db: Database, accountId: string, reviewIds: readonly string[]): Promise<ReviewProgress[]> => {
  const { rows } = await db.query<{ reviewId: string; reason: ReviewRefusal | null }>(
    `select review_id::text as "reviewId", null as reason from reviews.reviews where account_id = $1 and review_id = any($2::uuid[])
     union all
     select review_id::text, reason from reviews.refusals where account_id = $1 and review_id = any($2::uuid[])`, [accountId, reviewIds])
  const known = new Map(rows.map((r) => [r.reviewId, r.reason]))
  return reviewIds.map((reviewId): ReviewProgress => {
    if (!known.has(reviewId)) return { reviewId, state: 'unknown' }
    const reason = known.get(reviewId)
    return reason ? { reviewId, state: 'refused', reason } : { reviewId, state: 'stored' }
  })
}
