import type { FastifyInstance } from 'fastify'
import { readSwitch, switches } from '../../messaging/switches.ts'
import type { Database } from '../../messaging/sql.ts'
import { profileLag, sharedProfiles } from './profile.ts'

/**
 * Staff's list of accounts: the shared view, as everyone but the person sees it, and how far it lags behind the
 * accounts' streams (with ops' projection delay on, the difference stays visible for as long as the delay).
 */
export const accountsStaffWeb = (db: Database) => async (app: FastifyInstance) => {
  const overview = async () => {
    const now = new Date()
    const [lag, projectionDelayMs, paymentDelayMs, paymentsFailing, items] = await Promise.all([
      profileLag(db, now), readSwitch(db, switches.projectionDelayMs), readSwitch(db, switches.paymentDelayMs), readSwitch(db, switches.paymentsFailing), sharedProfiles(db)])
    return { lag, projectionDelayMs, paymentDelayMs, paymentsFailing, items }
  }
  app.get('/api/admin/accounts', overview)
  app.get('/admin/accounts', async (_, reply) => reply.view('contexts/accounts/views/staff.eta', { title: 'Accounts', nav: 'admin', ...(await overview()) }))
}
