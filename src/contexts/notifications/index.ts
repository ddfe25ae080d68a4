import { fileURLToPath } from 'node:url'
import { EntryNotDrawn } from '../drawing/messages.ts'
import { DrawingEntered, OrderAccepted, OrderCancelled } from '../ordering/messages.ts'
import type { ContextModule } from '../index.ts'
import { notificationsApi } from './api.ts'
import { notificationsEndpoint } from './endpoint.ts'
import { notificationsMessages } from './messages.ts'

export const notifications: ContextModule = {
  name: 'notifications',
  // The events it handles are ordering's and the drawing's; the catalog takes one definition twice, and so the endpoint starts
  // whichever other contexts a process lists.
  messages: [...notificationsMessages, OrderAccepted, OrderCancelled, DrawingEntered, EntryNotDrawn],
  migrations: { owner: 'notifications', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: notificationsEndpoint,
  web: notificationsApi,
}
