import { handle } from '../../../messaging/handler.ts'
import { CapacityAdded } from '../../catalog/messages.ts'
import { AddCapacity } from '../commands.ts'
import { saveShowtimeView } from '../orders.ts'
import { appendToShowtime, loadShowtime } from '../seat-stream.ts'
import { decide } from '../showtime.decider.ts'

/** Seats added in the catalog go to the showing's writer, like every other write to its seats. */
export const capacityAdded = handle(CapacityAdded, ({ showtimeId, seats }, ctx) => ctx.send(AddCapacity, { showtimeId, seats }))

/** The writer adds them (CapacityAdded on the seat stream): orders refused as sold out from now on find them. */
export const addCapacity = handle(AddCapacity, async ({ showtimeId, seats }, ctx) => {
  const loaded = await loadShowtime(ctx.tx, showtimeId)
  const events = decide({ type: 'AddCapacity', data: { seats } }, loaded.state)
  const next = await appendToShowtime(ctx.tx, showtimeId, loaded, events, { recordedAt: ctx.now, causedBy: ctx.headers.messageId })
  await saveShowtimeView(ctx.tx, next)
})
