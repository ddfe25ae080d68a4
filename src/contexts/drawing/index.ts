import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../config.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import type { ContextModule } from '../index.ts'
import { ClaimDrawnSeats, DrawingEntered } from '../ordering/messages.ts'
import { drawingWeb } from './api.ts'
import { drawingEndpoint } from './endpoint.ts'
import { drawingMessages } from './messages.ts'

/** The lottery for over-subscribed showings: entries during a window, a fair draw at the drawing date, in the open. */
export const drawing: ContextModule = {
  name: 'drawing',
  // What it handles and sends is catalog's and ordering's; listed so its endpoint runs in any process that lists it.
  messages: [...drawingMessages, ShowtimeScheduled, DrawingEntered, ClaimDrawnSeats],
  migrations: { owner: 'drawing', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  // The process's own setting, read as each drawing opens; main checked it with every other setting at start.
  endpoint: drawingEndpoint({ graceMs: () => loadConfig().POPCORN_DRAWING_GRACE_MS }),
  web: drawingWeb,
}
