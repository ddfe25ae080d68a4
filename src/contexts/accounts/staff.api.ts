import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { MessageSession } from '../../messaging/session.ts'
import { readSwitch, switches } from '../../messaging/switches.ts'
import type { Database } from '../../messaging/sql.ts'
import { HttpError, parse } from '../../web/errors.ts'
import { setAdmin } from './account-service.ts'
import { profileLag, sharedProfiles } from './profile.ts'

const roleParams = z.object({ accountId: z.uuid('an account id') })
const roleBody = z.object({ admin: z.enum(['yes', 'no'], 'yes or no') })

/** Accounts whose latest word on the role is "granted" (their streams: a role taken back counts at once). */
const adminAccounts = async (db: Database): Promise<Set<string>> =>
  new Set((await db.query<{ accountId: string }>(
    `select account_id as "accountId" from (
       select distinct on (account_id) account_id, type from accounts.events where type in ('AdminGranted', 'AdminRevoked')
       order by account_id, version desc) latest where type = 'AdminGranted'`)).rows.map((r) => r.accountId))

/**
 * Staff's list of accounts: the shared view, as everyone but the person sees it, and how far it lags behind the
 * accounts' streams (with ops' projection delay on, the difference stays visible for as long as the delay); and who
 * is an admin, which an admin grants and takes back here.
 */
export const accountsStaffWeb = (db: Database, session: MessageSession) => async (app: FastifyInstance) => {
  const overview = async () => {
    const now = new Date()
    const [lag, projectionDelayMs, paymentDelayMs, paymentsFailing, profiles, admins] = await Promise.all([
      profileLag(db, now), readSwitch(db, switches.projectionDelayMs), readSwitch(db, switches.paymentDelayMs), readSwitch(db, switches.paymentsFailing),
      sharedProfiles(db), adminAccounts(db)])
    return { lag, projectionDelayMs, paymentDelayMs, paymentsFailing, items: profiles.map((p) => ({ ...p, admin: admins.has(p.accountId) })) }
  }
  app.get('/api/admin/accounts', overview)
  app.get('/admin/accounts', async (_, reply) => reply.view('contexts/accounts/views/staff.eta', { title: 'Accounts', nav: 'admin', ...(await overview()) }))

  const grant = async (accountId: string, admin: boolean, by: string | undefined) => {
    if (!by) throw new HttpError('FORBIDDEN', 'admins only')
    const outcome = await setAdmin({ db, session, clock: () => new Date() }, accountId, admin, by)
    if (!outcome.ok) {
      throw outcome.refused === 'not-verified'
        ? new HttpError('CONFLICT', 'only an account whose address is confirmed can be made an admin', { refused: outcome.refused })
        : new HttpError('NOT_FOUND', `no account ${accountId}`)
    }
  }
  app.put('/api/admin/accounts/:accountId/admin', async (request) => {
    const { accountId } = parse(roleParams, request.params, 'path')
    const { admin } = parse(z.strictObject({ admin: z.boolean() }), request.body, 'role')
    await grant(accountId, admin, request.admin)
    return { accountId, admin }
  })
  app.post('/admin/accounts/:accountId/admin', async (request, reply) => {
    const { accountId } = parse(roleParams, request.params, 'path')
    const { admin } = parse(roleBody, request.body, 'role')
    await grant(accountId, admin === 'yes', request.admin)
    return reply.redirect('/admin/accounts', 303)
  })
}
