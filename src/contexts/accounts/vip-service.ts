import { randomUUID } from 'node:crypto'
import type { HandlerContext } from '../../messaging/handler.ts'
import { ChargeSubscription, type SimulatedOutcome } from '../billing/messages.ts'
import { SendAccountEmail } from '../notifications/messages.ts'
import type { AccountDeps } from './account-service.ts'
import { loadAccount } from './account-stream.ts'
import { VipConfirmed, VipGranted, VipRevoked } from './messages.ts'
import { decideVip, type VipRefusal, type VipState } from './vip.decider.ts'
import { appendToVip, loadVip } from './vip-stream.ts'

/** What VIP costs a month. */
export const vipPriceCents = 999

/**
 * VIP, granted at once: the grant and the charge for the first payment commit together, and billing takes the payment
 * while the person already enjoys VIP (the page follows the payment; an e-mail tells its outcome).
 */
export const subscribeVip = async (deps: AccountDeps, accountId: string, simulate: SimulatedOutcome): Promise<{ ok: true } | { ok: false; refused: VipRefusal }> => {
  const now = deps.clock()
  const subscriptionId = randomUUID()
  return deps.session.transaction(async (tx, out) => {
    const vip = await loadVip(tx, accountId)
    const decision = decideVip({ type: 'Subscribe', data: { subscriptionId, priceCents: vipPriceCents, now: now.toISOString(), pageUrl: `${deps.publicUrl()}/account/vip` } }, vip.state)
    if ('refused' in decision) return { ok: false as const, refused: decision.refused }
    await appendToVip(tx, vip, decision.events, now)
    out.send(ChargeSubscription, { subscriptionId, accountId, amountCents: vipPriceCents, simulate })
    out.publish(VipGranted, { accountId, subscriptionId })
    return { ok: true as const }
  })
}

/** The first payment's outcome, from billing: the membership confirmed or revoked, and the person told by e-mail. */
export const settleFirstPayment = async (ctx: HandlerContext, accountId: string, subscriptionId: string, paid: boolean) => {
  const vip = await loadVip(ctx.tx, accountId)
  const decision = decideVip({ type: 'SettleFirstPayment', data: { subscriptionId, paid } }, vip.state)
  if ('refused' in decision || decision.events.length === 0 || vip.state.status === 'none') return
  await appendToVip(ctx.tx, vip, decision.events, ctx.now)
  if (paid) ctx.publish(VipConfirmed, { accountId, subscriptionId })
  else ctx.publish(VipRevoked, { accountId, subscriptionId, reason: 'payment-failed' })
  const account = await loadAccount(ctx.tx, accountId)
  if (account.state.status !== 'registered') return
  ctx.send(SendAccountEmail, { kind: paid ? 'vip-confirmed' : 'vip-revoked', accountId, to: account.state.email, link: vip.state.pageUrl })
}

/** The person's own membership, as they left it (their stream, read in the request). */
export const vipOf = async (deps: Pick<AccountDeps, 'db'>, accountId: string): Promise<VipState> => (await loadVip(deps.db, accountId)).state
