/**
 * A person's VIP membership, as a stream of its own. Subscribing grants VIP at once (optimistically) while billing
 * takes the first payment; the payment's outcome confirms it, or revokes it. An outcome for another subscription, or
 * one heard twice, changes nothing.
 */

export type VipState =
  | { readonly status: 'none' }
  | { readonly status: 'pending' | 'active' | 'revoked'; readonly subscriptionId: string; readonly since: string; readonly priceCents: number; readonly pageUrl: string }

export type VipCommand =
  | { readonly type: 'Subscribe'; readonly data: { readonly subscriptionId: string; readonly priceCents: number; readonly now: string; readonly pageUrl: string } }
  | { readonly type: 'SettleFirstPayment'; readonly data: { readonly subscriptionId: string; readonly paid: boolean } }

export type VipEvent =
  | {
    readonly type: 'VipGranted'
    /** `pageUrl`: the membership page on the site the person subscribed on, for the e-mail that tells them the outcome. */
    readonly data: { readonly subscriptionId: string; readonly priceCents: number; readonly at: string; readonly pageUrl: string }
  }
  | { readonly type: 'VipConfirmed'; readonly data: { readonly subscriptionId: string } }
  | { readonly type: 'VipRevoked'; readonly data: { readonly subscriptionId: string; readonly reason: 'payment-failed' } }

export type VipRefusal = 'already-vip'

export const initialVipState = (): VipState => ({ status: 'none' })

export const decideVip = (command: VipCommand, state: VipState): { events: VipEvent[] } | { refused: VipRefusal } => {
  switch (command.type) {
    case 'Subscribe': {
      if (state.status === 'pending' || state.status === 'active') return { refused: 'already-vip' }
      const { subscriptionId, priceCents, now, pageUrl } = command.data
      return { events: [{ type: 'VipGranted', data: { subscriptionId, priceCents, at: now, pageUrl } }] }
    }
    case 'SettleFirstPayment': {
      const { subscriptionId, paid } = command.data
      if (state.status !== 'pending' || state.subscriptionId !== subscriptionId) return { events: [] }
      return { events: [paid ? { type: 'VipConfirmed', data: { subscriptionId } } : { type: 'VipRevoked', data: { subscriptionId, reason: 'payment-failed' } }] }
    }
    default:
      return command satisfies never
  }
}

export const evolveVip = (state: VipState, event: VipEvent): VipState => {
  switch (event.type) {
    case 'VipGranted':
      return { status: 'pending', subscriptionId: event.data.subscriptionId, since: event.data.at, priceCents: event.data.priceCents, pageUrl: event.data.pageUrl }
    case 'VipConfirmed':
      return state.status === 'pending' ? { ...state, status: 'active' } : state
    case 'VipRevoked':
      return state.status === 'pending' ? { ...state, status: 'revoked' } : state
    default:
      return event satisfies never
  }
}
