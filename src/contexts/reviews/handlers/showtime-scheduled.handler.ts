import { handle } from '../../../messaging/handler.ts'
import { ShowtimeScheduled } from '../../catalog/messages.ts'
import { listMovie } from '../reviews.ts'

/** A movie with a showing is one people may review: reviews keep its id and title, from the catalog's event. */
export const showtimeScheduled = handle(ShowtimeScheduled, (showtime, ctx) => listMovie(ctx.tx, showtime.movieId, showtime.movieTitle))
