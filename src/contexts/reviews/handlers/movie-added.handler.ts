import { handle } from '../../../messaging/handler.ts'
import { MovieAdded } from '../../catalog/messages.ts'
import { listMovie } from '../reviews.ts'

/** A movie an admin added may be reviewed from then on, showings or not. */
export const movieAdded = handle(MovieAdded, (movie, ctx) => listMovie(ctx.tx, movie.movieId, movie.title))
