import { handle } from '../../../messaging/handler.ts'
import { ShowtimeScheduled } from '../../catalog/messages.ts'
import { saveShowtime } from '../showtimes.ts'

/** Every scheduled showtime may get a waiting room: the room names it and sends people on to its form. */
export const showtimeScheduled = handle(ShowtimeScheduled, (s, ctx) => saveShowtime(ctx.tx, s))
