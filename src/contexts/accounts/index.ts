import { fileURLToPath } from 'node:url'
import { siteSecret } from '../../adapters/db/secrets.ts'
import { publicUrlOf } from '../../config.ts'
import type { Identity } from '../../web/identity.ts'
import type { ContextModule } from '../index.ts'
import { SendAccountEmail } from '../notifications/messages.ts'
import { ChargeSubscription, SubscriptionCharged, SubscriptionChargeFailed } from '../billing/messages.ts'
import { accountsWeb } from './api.ts'
import { accountsStaffWeb } from './staff.api.ts'
import { vipWeb } from './vip.api.ts'
import { accountsEndpoint } from './endpoint.ts'
import { pushVipSettled } from './vip-settled.web-handler.ts'
import { loginIdOf, viewerOfLogin } from './logins.ts'
import { accountsMessages } from './messages.ts'
import { profileLag } from './profile.ts'
import { projectionLag } from '../../adapters/metrics/prometheus.ts'

/** People's accounts: register with a confirmed address, log in and out, choose a new password. */
export const accounts: ContextModule = {
  name: 'accounts',
  // It sends notifications' SendAccountEmail and billing's ChargeSubscription, and hears billing's outcome; listed so
  // that a process running accounts alone knows the types.
  messages: [...accountsMessages, SendAccountEmail, ChargeSubscription, SubscriptionCharged, SubscriptionChargeFailed],
  migrations: { owner: 'accounts', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: accountsEndpoint,
  webHandlers: ({ realtime }) => pushVipSettled(realtime),
  readings: async (db, now) => {
    const lag = await profileLag(db, now)
    return projectionLag('accounts', { pending: lag.events, oldestMs: lag.oldestMs })
  },
  identity: ({ db, config }): Identity => {
    const key = siteSecret(db, 'login', config.POPCORN_SECRET)
    return {
      async viewerOf(cookieHeader) {
        if (!cookieHeader?.includes('popcorn_login=')) return undefined
        const loginId = loginIdOf(cookieHeader, await key)
        return loginId ? viewerOfLogin(db, loginId, new Date()) : undefined
      },
    }
  },
  web: ({ db, session, config }) => async (app) => {
    const loginKey = await siteSecret(db, 'login', config.POPCORN_SECRET)
    const listening = () => {
      const address = app.server.address()
      return typeof address === 'object' && address ? address.port : config.PORT
    }
    await app.register(accountsStaffWeb(db, session))
    const deps = { db, session, loginKey, publicUrl: () => publicUrlOf(config, listening()), clock: () => new Date() }
    await app.register(accountsWeb(deps, config.POPCORN_TRUST_PROXY))
    await app.register(vipWeb(deps))
  },
}
