import { fileURLToPath } from 'node:url'
import { PaymentRefunded } from '../billing/messages.ts'
import type { ContextModule } from '../index.ts'
import { EmailSent, SendAlertEmail } from '../notifications/messages.ts'
import { OrderCancelled } from '../ordering/messages.ts'
import { compensationsApi } from './compensations.api.ts'
import { watchAlerts } from './alerts.ts'
import { consoleApi } from './console.api.ts'
import { consoleSocket } from './console.socket.ts'
import { conversationsApi } from './conversations.api.ts'
import { conversationPage } from './conversation.page.ts'
import { booksPage } from './books.page.ts'
import { opsEndpoint } from './endpoint.ts'
import { switchesApi } from './switches.api.ts'

/**
 * What the people who run Popcorn see. The error queue's API (api.ts) is served by every app, with the bus's error
 * queue; this module adds ops' own read models, fed by the other contexts' events.
 */
export const ops: ContextModule = {
  name: 'ops',
  messages: [OrderCancelled, PaymentRefunded, EmailSent, SendAlertEmail],
  migrations: { owner: 'ops', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: opsEndpoint,
  web: (deps) => async (app) => {
    await app.register(compensationsApi(deps))
    await app.register(switchesApi(deps))
    await app.register(consoleApi(deps))
    await app.register(conversationsApi(deps))
    await app.register(conversationPage(deps))
    await app.register(booksPage(deps))
  },
  socket: consoleSocket,
  background: ({ db, session, config, logger, ops: sources, publicUrl }) =>
    watchAlerts({ db, session, sources, to: config.POPCORN_OPS_EMAIL, consoleUrl: `${publicUrl}/ops` }, config.POPCORN_ALERTS_EVERY_MS,
      (error) => logger.warn({ err: error }, 'the alerts could not be checked; the next check tries again')),
}
