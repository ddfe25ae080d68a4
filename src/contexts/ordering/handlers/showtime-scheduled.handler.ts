import { handle } from '../../../messaging/handler.ts'
import { ShowtimeScheduled } from '../../catalog/messages.ts'
import { OpenShowtime } from '../commands.ts'

/** A scheduled showtime gets its seat stream, through the showtime's single writer like every other write. */
export const showtimeScheduled = handle(ShowtimeScheduled, (showtime, ctx) =>
  ctx.send(OpenShowtime, {
    showtimeId: showtime.showtimeId,
    movieTitle: showtime.movieTitle,
    theaterName: showtime.theaterName,
    screen: showtime.screen,
    startsAt: showtime.startsAt,
    ticketType: showtime.ticketType,
    policy: showtime.policy,
    priceCents: showtime.priceCents,
    drawingAt: showtime.drawingAt,
    capacity: showtime.capacity,
    ticketsPerBuyer: showtime.ticketsPerBuyer,
  }))
