import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { failureOf, logFailure } from '../../web/acks.ts'
import { waitingRoomUrlOf, withPlaceCookie } from '../../web/admission.ts'
import { clientAddress } from '../../web/client-address.ts'
import { idempotentForm } from '../../web/csrf.ts'
import { HttpError, parse } from '../../web/errors.ts'
import { maskedEmail } from '../../web/format.ts'
import type { BrowserSocket } from '../../web/realtime.ts'
import { traceSocketEvent } from '../../web/tracing.ts'
import type { WebDeps } from '../index.ts'
import type { EdgeEstimate } from './edge-estimate.ts'
import { orderById, ordersOfAccount, ordersOfSession, showtimeById } from './orders.ts'
import { recordReceipt } from './books.ts'
import { traceparentSchema } from '../../messaging/envelope.ts'
import type { Viewer } from '../../web/identity.ts'
import { isSoldOutAtOnce, placeOrder } from './place-order.ts'

const idParams = z.object({ orderId: z.uuid('an order id is a uuid') })
const showtimeParams = z.object({ showtimeId: z.string().min(1).max(80) })
const resumeRequest = z.object({ orderIds: z.array(z.uuid()).max(50) })
/** A page's receipt for an outcome it showed; it may carry its trace context, as every socket event may. */
const seenReceipt = z.strictObject({ orderId: z.uuid(), traceparent: traceparentSchema.optional() })

type Ack = (answer: unknown) => void


/**
 * An order as its page and the API show it: the e-mail address whole only to the browser session that placed it and
 * to the account it belongs to, masked to anyone else who has the order's id (a shared link, a guess); the session
 * and the account never shown.
 */
const visibleOrder = async (deps: WebDeps, orderId: string, browserSession: string, viewer: Viewer | undefined) => {
  const order = await orderById(deps.db, orderId)
  if (!order) throw new HttpError('NOT_FOUND', `no order ${orderId}`)
  const { clientSession, accountId, ...visible } = order
  const yours = clientSession === browserSession || (viewer !== undefined && accountId === viewer.accountId)
  return { ...visible, email: yours ? visible.email : maskedEmail(visible.email), yours }
}

const fieldNames: Record<string, string> = { showtimeId: 'Showtime', tickets: 'Number of tickets', email: 'E-mail', orderId: 'Order', placeToken: 'Place in the queue' }

/** A refused order as the form's page says it: each field's problem by the field's label; anything else as it reads. */
const problemPage = (problem: HttpError) => {
  const issues = problem.code === 'BAD_REQUEST' && Array.isArray(problem.details) ? (problem.details as { path?: string; message?: string }[]) : []
  const problems = issues.map((issue) => ({ field: fieldNames[issue.path ?? ''] ?? 'The form', message: issue.message ?? 'not valid' }))
  return problems.length
    ? { lead: 'Something in the form needs another look:', problems }
    : { lead: problem.code === 'TOO_MANY_REQUESTS' ? `${problem.message[0]!.toUpperCase()}${problem.message.slice(1)}.` : `We could not place it: ${problem.message}.`, problems: [] }
}

/** Ordering over HTTP: the fallback way to order, and the order status that survives a closed browser. */
export const orderingWeb = (estimate: EdgeEstimate) => (web: WebDeps) => async (app: FastifyInstance) => {
  const deps = { ...web, estimate }
  // 202: taken, to be decided; 200: answered already (sold out, from what this node knows), nothing taken.
  app.post('/api/orders', async (request, reply) => {
    const placed = await placeOrder(deps, withPlaceCookie(request.body, request.headers.cookie), request.browserSession, clientAddress(request.raw, deps.config.POPCORN_TRUST_PROXY), request.viewer?.accountId)
    return reply.status(isSoldOutAtOnce(placed) ? 200 : 202).send(placed)
  })

  // The order form without JavaScript: post, then land on the order's page (or in the waiting room, while it is on);
  // an order that cannot be placed is a page saying why, field by field, in the site's words, not the API's JSON.
  app.post('/orders', { config: idempotentForm }, async (request, reply) => {
    let placed
    try {
      placed = await placeOrder(deps, withPlaceCookie(request.body, request.headers.cookie), request.browserSession, clientAddress(request.raw, deps.config.POPCORN_TRUST_PROXY), request.viewer?.accountId)
    } catch (error) {
      const room = waitingRoomUrlOf(error)
      if (room) return reply.redirect(room, 303)
      if (!(error instanceof HttpError)) throw error
      const { showtimeId } = (request.body ?? {}) as { showtimeId?: unknown }
      return reply.status(error.status).view('contexts/ordering/views/order-problem.eta', {
        title: 'Order not placed',
        ...problemPage(error),
        back: typeof showtimeId === 'string' && /^[a-z0-9-]{1,80}$/.test(showtimeId) ? `/showtimes/${showtimeId}` : '/movies',
      })
    }
    if (!isSoldOutAtOnce(placed)) return reply.redirect(placed.statusUrl, 303)
    const showtime = await showtimeById(deps.db, placed.outcome.showtimeId)
    return reply.view('contexts/ordering/views/sold-out.eta', { title: 'Sold out', soldOut: placed, showtime })
  })

  /** Seats left as ordering last decided: a moment old, never a promise — the order decides. */
  app.get('/api/showtimes/:showtimeId/seats', async (request) => {
    const { showtimeId } = parse(showtimeParams, request.params, 'path')
    const showtime = await showtimeById(deps.db, showtimeId)
    if (!showtime) throw new HttpError('NOT_FOUND', `no showtime "${showtimeId}" is open for orders`)
    return { showtimeId, capacity: showtime.capacity, seatsLeft: showtime.seatsLeft }
  })

  app.get('/api/orders/:orderId', async (request) => visibleOrder(deps, parse(idParams, request.params, 'path').orderId, request.browserSession, request.viewer))

  // My orders: the account's, and this browser's that no account has yet. An order placed here just before logging
  // in is the account's once ordering has heard of the login; until then it shows as this browser's, so the person
  // never sees it vanish in between (their own writes, read at once).
  const myOrders = async (request: FastifyRequest) =>
    (await ordersOfAccount(deps.db, { browserSession: request.browserSession, ...(request.viewer && { accountId: request.viewer.accountId }) }))
      .map(({ attached, ...order }) => ({ ...order, fromThisBrowser: !attached }))
  app.get('/api/my-orders', async (request) => ({ loggedIn: request.viewer !== undefined, items: await myOrders(request) }))
  app.get('/my-orders', async (request, reply) =>
    reply.view('contexts/ordering/views/my-orders.eta', { title: 'My orders', nav: 'orders', orders: await myOrders(request), loggedIn: request.viewer !== undefined }))

  app.get('/orders/:orderId', async (request, reply) => {
    const { orderId } = parse(idParams, request.params, 'path')
    const order = await visibleOrder(deps, orderId, request.browserSession, request.viewer)
    // Which showing, where and when: what a person looks up the order for.
    const showtime = await showtimeById(deps.db, order.showtimeId)
    return reply.view('contexts/ordering/views/order.eta', { title: `Order ${orderId.slice(0, 8)}`, order, showtime })
  })
}

/** Ordering over the browser's socket: submit (answered at once with "received"), and resume after a reconnect. */
export const orderingSocket = (estimate: EdgeEstimate) => (web: WebDeps) => ({ browserSession, socket }: BrowserSocket) => {
  const deps = { ...web, estimate }
  const address = clientAddress(socket.request, deps.config.POPCORN_TRUST_PROXY)
  // Who is logged in on this socket, asked once, at its first order (a login later opens a new page, and a new socket).
  let viewer: Promise<Viewer | undefined> | undefined
  socket.on('order:submit', async (payload: unknown, ack?: Ack) => {
    if (typeof ack !== 'function') return
    await traceSocketEvent('order:submit', payload, async () => {
      try {
        viewer ??= deps.identity?.viewerOf(socket.request.headers.cookie) ?? Promise.resolve(undefined)
        const accountId = (await viewer.catch((error: unknown) => {
          viewer = undefined // asked again at the next order
          throw error
        }))?.accountId
        ack({ ok: true, ...(await placeOrder(deps, payload, browserSession, address, accountId)) })
      } catch (error) {
        logFailure(deps, error, { event: 'order:submit', browserSession })
        ack(failureOf(error, deps.db))
      }
    })
  })

  /** The page showed an order's outcome: the push reached its browser (a receipt, counted in ops' books). */
  socket.on('order:seen', (payload: unknown, ack?: Ack) => traceSocketEvent('order:seen', payload, async () => {
    try {
      const { orderId } = parse(seenReceipt, payload, 'receipt')
      const counted = await recordReceipt(deps.db, orderId, browserSession, new Date())
      if (typeof ack === 'function') ack({ ok: true, counted })
    } catch (error) {
      logFailure(deps, error, { event: 'order:seen', browserSession })
      if (typeof ack === 'function') ack(failureOf(error, deps.db))
    }
  }))

  /** A browser that was away sends the orders it waits for; those decided meanwhile are answered now. */
  socket.on('orders:resume', (payload: unknown, ack?: Ack) => traceSocketEvent('orders:resume', payload, async () => {
    try {
      const { orderIds } = parse(resumeRequest, payload, 'resume request')
      const orders = await ordersOfSession(deps.db, browserSession, orderIds)
      // An order accepted at the edge has an outcome before it is decided: the one it was told, not the last word.
      for (const order of orders) if (order.decidedAt && order.outcome) socket.emit('order:outcome', order.outcome)
      if (typeof ack === 'function') ack({ ok: true, pending: orders.filter((o) => !o.decidedAt).map((o) => o.orderId) })
    } catch (error) {
      logFailure(deps, error, { event: 'orders:resume', browserSession })
      if (typeof ack === 'function') ack(failureOf(error, deps.db))
    }
  }))
}
