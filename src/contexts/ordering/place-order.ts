import { randomUUID } from 'node:crypto'
import { RateLimiterMemory } from 'rate-limiter-flexible'
import { z } from 'zod'
import { sharedRead } from '../../adapters/db/shared-read.ts'
import type { MessageSession } from '../../messaging/session.ts'
import type { Database } from '../../messaging/sql.ts'
import type { Admission } from '../../web/admission.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import type { DataOf } from '../../messaging/message.ts'
import { traceparentSchema } from '../../messaging/envelope.ts'
import type { EdgeEstimate } from './edge-estimate.ts'
import { maxTicketsPerOrder, OrderAcceptedAtEdge, type OrderOutcome, SubmitOrder } from './messages.ts'
import { receiveOrder, sharedOrderById, showtimeById, type ShowtimeRow } from './orders.ts'

export const orderRequest = z.object({
  /** Chosen by the browser, so that submitting the same order twice (a retry, a double click) orders once. */
  orderId: z.uuid().optional(),
  showtimeId: z.string().min(1).max(80),
  tickets: wholeNumber().pipe(z.number().min(1, 'at least one ticket').max(maxTicketsPerOrder, `at most ${maxTicketsPerOrder} tickets per order`)),
  email: z.email('a valid e-mail address, for the tickets').max(200),
  /** The waiting room's token for this showtime, when its room is on: the place must have been let through. */
  placeToken: z.string().min(1).max(2_000).optional(),
  /** The browser's trace context, to continue its trace (the socket event's span is its child); nothing else uses it. */
  traceparent: traceparentSchema.optional(),
})

export interface Received {
  readonly orderId: string
  readonly status: string
  readonly statusUrl: string
  /** Accepted at the edge of an optimistic showtime: what the customer is told now; the writer confirms or cancels it. */
  readonly outcome?: DataOf<typeof OrderOutcome>
}

/**
 * A showtime that, as the writer last decided it, has fewer seats left than asked: answered at once, with nothing
 * stored and nothing sent. The view is read afresh for every request, so seats that come back reopen it.
 */
export interface SoldOut {
  readonly orderId: string
  readonly status: 'sold-out'
  readonly seatsLeft: number
  readonly outcome: Extract<DataOf<typeof OrderOutcome>, { outcome: 'sold-out' }>
}

export type Placed = Received | SoldOut

/** Answered sold out at once, from this node's view; an order the writer found sold out has a status page instead. */
export const isSoldOutAtOnce = (placed: Placed): placed is SoldOut => !('statusUrl' in placed)

const acceptsAtEdge = (showtime: ShowtimeRow) => showtime.policy === 'optimistic' && showtime.ticketType !== 'drawing'
/**
 * Fewer seats left, as the writer last decided, than asked: the writer would say sold out too (an optimistic showing's
 * edge promises only within what is left, so its view is no more hopeful than a strict one's). A drawing's entries
 * take no seats.
 */
const soldOutFor = (showtime: Pick<ShowtimeRow, 'ticketType' | 'seatsLeft'>, tickets: number) =>
  showtime.ticketType !== 'drawing' && showtime.seatsLeft < tickets

/** A flood from one browser session is slowed down without touching anyone else. */
const perSession = new RateLimiterMemory({ points: 20, duration: 10 })

/** Per client address and per e-mail address, per minute, as configured: made once per setting. */
const perMinute = new Map<number, RateLimiterMemory>()
const limiter = (points: number) => {
  let made = perMinute.get(points)
  if (!made) perMinute.set(points, (made = new RateLimiterMemory({ points, duration: 60 })))
  return made
}

export interface OrderLimits {
  readonly POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: number
  readonly POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: number
}

/**
 * A flood slowed down where it comes from, whatever sessions it makes up (a script need not keep its cookie): per
 * client address, and per e-mail address whichever browser or address its orders come from. The per-session limit
 * comes first, before the order is even read.
 */
const slowDown = async (address: string | undefined, email: string, limits: OrderLimits | undefined) => {
  if (!limits) return
  if (address) {
    await limiter(limits.POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE).consume(`address:${address}`).catch(() => {
      throw new HttpError('TOO_MANY_REQUESTS', 'too many orders from your network just now; wait a minute and try again')
    })
  }
  await limiter(limits.POPCORN_ORDERS_PER_EMAIL_PER_MINUTE).consume(`email:${email.toLowerCase()}`).catch(() => {
    throw new HttpError('TOO_MANY_REQUESTS', 'too many orders for this e-mail address just now; wait a minute and try again')
  })
}

/**
 * Validates an order, checks its showtime exists, then stores it as received and sends SubmitOrder in one
 * transaction — shared with the requests arriving with it (group commit): when this returns, the order is durable and
 * will be answered. Nothing is stored for bad input, which is refused before the order joins a group.
 * An optimistic showtime whose seats this web node's estimate still covers is answered "accepted" at once: the order
 * is stored as accepted at the edge and billing told to charge (OrderAcceptedAtEdge), in that same transaction.
 * A showtime the view shows sold out for this request is answered "sold out" at once, and nothing is stored.
 */
export const placeOrder = async (
  deps: { db: Database; session: MessageSession; admission?: Admission; estimate?: EdgeEstimate; config?: { readonly POPCORN_GROUP_COMMIT_MS: number } & Partial<OrderLimits> },
  input: unknown,
  browserSession: string,
  /** The client's address (behind the trusted proxies), for the per-address limit; unknown, not limited by it. */
  address?: string,
  /** The account logged in, whose order it becomes. */
  accountId?: string,
): Promise<Placed> => {
  await perSession.consume(browserSession).catch(() => {
    throw new HttpError('TOO_MANY_REQUESTS', 'too many orders from this browser at once; wait a few seconds and try again')
  })
  const request = parse(orderRequest, input, 'order')
  const limits = deps.config?.POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE && deps.config.POPCORN_ORDERS_PER_EMAIL_PER_MINUTE
    ? { POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: deps.config.POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE, POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: deps.config.POPCORN_ORDERS_PER_EMAIL_PER_MINUTE }
    : undefined
  await slowDown(address, request.email, limits)
  // The view and the waiting room are asked at once, each read shared with the requests arriving together.
  const gatherMs = deps.config?.POPCORN_GROUP_COMMIT_MS ?? 0
  const admitted = deps.admission?.check({ showtimeId: request.showtimeId, browserSession, placeToken: request.placeToken })
    .then(() => undefined, (refusal: unknown) => ({ refusal }))
  const showtime = await sharedRead(deps.db, `ordering.showtime ${request.showtimeId}`, () => showtimeById(deps.db, request.showtimeId), gatherMs)
  if (!showtime) throw new HttpError('NOT_FOUND', `no showtime "${request.showtimeId}" is open for orders`)
  const orderId = request.orderId ?? randomUUID()
  // Before the waiting room: nobody need queue for seats that are gone. An order sent again after its own seats were
  // the last ones is still that order, answered by the normal path.
  if (soldOutFor(showtime, request.tickets) && !(request.orderId && (await sharedOrderById(deps.db, request.orderId, gatherMs)))) {
    const { seatsLeft } = showtime
    return { orderId, status: 'sold-out', seatsLeft, outcome: { outcome: 'sold-out', orderId, showtimeId: showtime.showtimeId, seatsLeft } }
  }
  const refused = await admitted
  if (refused) throw refused.refusal
  const order = { orderId, showtimeId: request.showtimeId, tickets: request.tickets, email: request.email }
  const { estimate } = deps
  const edge = estimate && acceptsAtEdge(showtime) && estimate.promise(order, showtime.seatsLeft)
    ? { outcome: { outcome: 'accepted' as const, orderId, showtimeId: order.showtimeId, tickets: order.tickets, totalCents: order.tickets * showtime.priceCents } }
    : undefined
  const received = await deps.session.grouped(async (tx, out) => {
    const fresh = await receiveOrder(tx, { ...order, clientSession: browserSession, ...(accountId && { accountId }) }, edge)
    if (fresh) out.send(SubmitOrder, edge ? { ...order, acceptedAtEdge: true } : order, { messageId: orderId })
    if (fresh && edge) out.publish(OrderAcceptedAtEdge, { ...order, totalCents: edge.outcome.totalCents })
    return fresh
  }, { originClient: browserSession }).catch((error: unknown) => {
    if (edge) estimate?.settle(orderId)
    throw error
  })
  if (edge && !received) estimate?.settle(orderId)
  if (edge && received) return { orderId, status: 'accepted', statusUrl: `/orders/${orderId}`, outcome: edge.outcome }
  // Only an order id seen before (a resubmit) needs reading back: whose it is, and how far it got.
  const stored = received ? undefined : await sharedOrderById(deps.db, orderId, gatherMs)
  if (stored && stored.clientSession !== browserSession) throw new HttpError('CONFLICT', `order ${orderId} belongs to another browser`)
  return { orderId, status: stored?.status ?? 'received', statusUrl: `/orders/${orderId}` }
}
