import { handle } from '../../../messaging/handler.ts'
import { OpenShowtime } from '../commands.ts'
import { saveShowtimeView } from '../orders.ts'
import { appendToShowtime, loadShowtime } from '../seat-stream.ts'
import { decide } from '../showtime.decider.ts'

export const openShowtime = handle(OpenShowtime, async (command, ctx) => {
  const loaded = await loadShowtime(ctx.tx, command.showtimeId)
  const events = decide({ type: 'OpenShowtime', data: command }, loaded.state)
  const next = await appendToShowtime(ctx.tx, command.showtimeId, loaded, events, { recordedAt: ctx.now, causedBy: ctx.headers.messageId })
  if (events.length) await saveShowtimeView(ctx.tx, next)
})
