import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { SimulatedOutcome } from '../billing/messages.ts'
import type { AccountDeps } from './account-service.ts'
import { problemOf } from './api.ts'
import { subscribeVip, vipOf, vipPriceCents } from './vip-service.ts'

/**
 * The dev payment provider's test cards, as a real provider's sandbox has them: the card decides how the first
 * payment goes. Only the outcome travels on; the number itself is never stored or sent anywhere.
 */
export const testCards: Readonly<Record<string, { readonly outcome: SimulatedOutcome; readonly says: string }>> = {
  '4242424242424242': { outcome: 'pay', says: 'pays at once' },
  '4000000000000002': { outcome: 'decline', says: 'is declined at once' },
  '4000000000003220': { outcome: 'slow-pay', says: 'pays after a few seconds' },
  '4000000000000341': { outcome: 'slow-decline', says: 'is declined after a few seconds' },
}

const vipForm = z.object({
  card: z.string().max(40).transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{12,19}$/, 'a card number, in digits').refine((n) => n in testCards, 'one of the test cards listed below')),
})

/**
 * VIP: taken on the page, granted at once, its first payment followed three ways while it is pending — the server
 * pushes the outcome to the page (vip-settled.web-handler.ts), the page asks as well, and the outcome is e-mailed.
 */
export const vipWeb = (deps: AccountDeps) => async (app: FastifyInstance) => {
  const page = async (reply: FastifyReply, accountId: string, extra: Record<string, unknown> = {}) =>
    reply.view('contexts/accounts/views/vip.eta', {
      title: 'VIP', vip: await vipOf(deps, accountId), priceCents: vipPriceCents, cards: Object.entries(testCards), ...extra,
    })

  app.get('/account/vip', async (request, reply) => (request.viewer ? page(reply, request.viewer.accountId) : reply.redirect('/account/login', 303)))

  app.get('/api/account/vip', async (request, reply) => {
    if (!request.viewer) throw new HttpError('UNAUTHORIZED', 'log in to see your membership')
    reply.header('cache-control', 'no-store')
    const vip = await vipOf(deps, request.viewer.accountId)
    return vip.status === 'none' ? { status: 'none' } : { status: vip.status, subscriptionId: vip.subscriptionId, since: vip.since, priceCents: vip.priceCents }
  })

  app.post('/account/vip', async (request, reply) => {
    if (!request.viewer) return reply.redirect('/account/login', 303)
    let card
    try {
      ({ card } = parse(vipForm, request.body, 'VIP form'))
    } catch (error) {
      return page(reply.status(400), request.viewer.accountId, { problem: problemOf(error, { card: 'Card number' }) })
    }
    const subscribed = await subscribeVip(deps, request.viewer.accountId, testCards[card]!.outcome)
    if (!subscribed.ok) return page(reply.status(409), request.viewer.accountId, { problem: 'You are VIP already.' })
    return reply.redirect('/account/vip', 303)
  })
}
