import { defineEndpoint } from '../../messaging/endpoint.ts'
import { onDrawingEntered } from './handlers/record-entry.handler.ts'
import type { DrawingSettings } from './settings.ts'
import { drawingSaga } from './workflows/drawing.saga.ts'

/** The drawing's back end: a saga per drawing showtime, and the entries it draws from. */
export const drawingEndpoint = (settings: DrawingSettings) => defineEndpoint({
  name: 'drawing',
  handlers: [onDrawingEntered],
  sagas: [drawingSaga(settings)],
})
