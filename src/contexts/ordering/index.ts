import { fileURLToPath } from 'node:url'
import type { ContextModule } from '../index.ts'
import { orderingWeb, orderingSocket } from './api.ts'
import { OpenShowtime } from './commands.ts'
import { orderingEndpoint } from './endpoint.ts'
import { pushOrderOutcome } from './handlers/order-outcome.web-handler.ts'
import { orderingMessages } from './messages.ts'
import { EntryNotDrawn } from '../drawing/messages.ts'

export const ordering: ContextModule = {
  name: 'ordering',
  // EntryNotDrawn is the drawing's; listed so that ordering's endpoint can run in a process without the drawing.
  messages: [...orderingMessages, OpenShowtime, EntryNotDrawn],
  migrations: { owner: 'ordering', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: orderingEndpoint,
  web: orderingWeb,
  socket: orderingSocket,
  webHandlers: ({ realtime }) => [pushOrderOutcome(realtime)],
}
