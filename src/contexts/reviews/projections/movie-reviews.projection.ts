import type { Database, Sql } from '../../../messaging/sql.ts'

/** A review as a movie's page lists it. `yours` marks the reader's own, `shared: false` one only they see so far. */
export interface ShownReview {
  readonly reviewId: string
  readonly author: string
  readonly stars: number
  readonly text: string
  readonly writtenAt: Date
  readonly yours: boolean
  readonly shared: boolean
  /** Its author is VIP now (read when shown: a revoked membership's mark goes, the review stays). */
  readonly vip: boolean
}

export interface MovieReviews {
  readonly movieId: string
  readonly reviews: number
  /** Mean of the stars, to one decimal; undefined with no review. */
  readonly average: number | undefined
  readonly items: readonly ShownReview[]
}

/** The shared read model takes a stored review in, once: its list and its average. */
export const projectReview = async (sql: Sql, reviewId: string, now: Date) => {
  const { rows } = await sql.query<{ movieId: string; stars: number }>(
    `insert into reviews.shown (review_id, movie_id, author, stars, text, written_at, projected_at)
     select review_id, movie_id, author, stars, text, written_at, $2 from reviews.reviews where review_id = $1
     on conflict (review_id) do nothing
     returning movie_id as "movieId", stars`, [reviewId, now])
  const added = rows[0]
  if (!added) return
  await sql.query(`insert into reviews.ratings (movie_id, reviews, stars_total) values ($1, 1, $2)
    on conflict (movie_id) do update set reviews = reviews.ratings.reviews + 1, stars_total = reviews.ratings.stars_total + excluded.stars_total`,
  [added.movieId, added.stars])
}

/** `vip`: the author has a subscription not revoked, read now, so that a revocation takes the mark off every review. */
const columns = `r.review_id::text as "reviewId", r.author, r.stars, r.text, r.written_at as "writtenAt",
  exists (select 1 from reviews.reviews w join reviews.vip_subscriptions v on v.account_id = w.account_id
          where w.review_id = r.review_id and not v.revoked) as vip`

/**
 * A movie's reviews as `accountId` reads them: the shared model, with the reader's own review that the shared model
 * has not taken in yet projected on top, in this request, for them alone (list and average both).
 */
export const movieReviewsFor = async (db: Database, movieId: string, accountId: string | undefined, limit = 50): Promise<MovieReviews> => {
  const [shared, rating, own] = await Promise.all([
    db.query<Omit<ShownReview, 'yours' | 'shared'>>(`select ${columns} from reviews.shown r where r.movie_id = $1 order by r.written_at desc limit $2`, [movieId, limit]),
    db.query<{ reviews: number; starsTotal: number }>('select reviews, stars_total as "starsTotal" from reviews.ratings where movie_id = $1', [movieId]),
    accountId
      ? db.query<Omit<ShownReview, 'yours' | 'shared'> & { shared: boolean }>(
        `select ${columns}, exists (select 1 from reviews.shown s where s.review_id = r.review_id) as shared
         from reviews.reviews r where account_id = $1 and movie_id = $2`, [accountId, movieId])
      : { rows: [] },
  ])
  const mine = own.rows[0]
  const pendingMine = mine && !mine.shared ? [{ ...mine, yours: true, shared: false }] : []
  const items = [...pendingMine, ...shared.rows.map((r) => ({ ...r, yours: r.reviewId === mine?.reviewId, shared: true }))]
  const reviews = (rating.rows[0]?.reviews ?? 0) + pendingMine.length
  const total = (rating.rows[0]?.starsTotal ?? 0) + (pendingMine[0]?.stars ?? 0)
  return { movieId, reviews, average: reviews ? Math.round((total / reviews) * 10) / 10 : undefined, items }
}

/** Reviews stored that the shared model has not taken in yet, and how old the oldest is. */
export const reviewsLag = async (db: Database, now: Date): Promise<{ reviews: number; oldestMs: number }> => {
  const { rows } = await db.query<{ reviews: number; oldest: Date | null }>(
    `select count(*)::int as reviews, min(r.stored_at) as oldest from reviews.reviews r
     where not exists (select 1 from reviews.shown s where s.review_id = r.review_id)`)
  const oldest = rows[0]?.oldest
  return { reviews: rows[0]?.reviews ?? 0, oldestMs: oldest ? Math.max(0, now.getTime() - new Date(oldest).getTime()) : 0 }
}
