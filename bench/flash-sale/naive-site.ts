import Fastify from 'fastify'
import { z } from 'zod'
import { naiveSchema, openStore, PoolTimeout, type Query } from './naive-store.ts'

/**
 * The baseline: the site that crashed, built the obvious way. POST /orders runs one transaction — lock the
 * showing's row, check its seats, take them, insert the order, commit — and answers with the outcome. Synchronous
 * and strongly consistent: every buyer of the hot showing queues on that one row lock, holding a pooled connection.
 *
 * Its own process: `node --import tsx bench/flash-sale/naive-site.ts` with NAIVE_DATABASE_URL (postgres://… or a
 * folder for PGlite), NAIVE_SHOWINGS (JSON: showingId, ticketType, capacity), NAIVE_POOL_MAX, NAIVE_POOL_WAIT_MS,
 * PORT and HOST.
 */
const env = z.object({
  NAIVE_DATABASE_URL: z.string().min(1),
  NAIVE_SHOWINGS: z.string().transform((text) => JSON.parse(text) as unknown)
    .pipe(z.array(z.object({ showingId: z.string(), ticketType: z.string(), capacity: z.number().int().positive() })).min(1)),
  NAIVE_POOL_MAX: z.coerce.number().int().min(1).default(10),
  NAIVE_POOL_WAIT_MS: z.coerce.number().int().min(1).default(10_000),
  PORT: z.coerce.number().int().min(0).default(0),
  HOST: z.string().default('127.0.0.1'),
}).parse(process.env)

const orderRequest = z.object({
  orderId: z.uuid(),
  showingId: z.string().min(1).max(80),
  tickets: z.number().int().min(1).max(10),
  email: z.email().max(200),
})

const store = await openStore(env.NAIVE_DATABASE_URL, { max: env.NAIVE_POOL_MAX, waitMs: env.NAIVE_POOL_WAIT_MS })
for (const statement of naiveSchema.split(';').filter((s) => s.trim())) await store.query(statement)
for (const s of env.NAIVE_SHOWINGS) {
  await store.query('insert into naive.showings (showing_id, ticket_type, capacity, seats_left) values ($1, $2, $3, $3) on conflict do nothing', [s.showingId, s.ticketType, s.capacity])
}

class NotFound extends Error {}

const placeOrder = async (query: Query, order: z.infer<typeof orderRequest>) => {
  const showing = (await query<{ ticket_type: string; seats_left: number }>(
    'select ticket_type, seats_left from naive.showings where showing_id = $1 for update', [order.showingId])).rows[0]
  if (!showing) throw new NotFound(`no showing ${order.showingId}`)
  let outcome: 'accepted' | 'sold-out' | 'entered-drawing'
  if (showing.ticket_type === 'drawing') outcome = 'entered-drawing'
  else if (showing.seats_left >= order.tickets) {
    await query('update naive.showings set seats_left = seats_left - $2 where showing_id = $1', [order.showingId, order.tickets])
    outcome = 'accepted'
  } else outcome = 'sold-out'
  await query('insert into naive.orders (order_id, showing_id, tickets, email, outcome) values ($1, $2, $3, $4, $5)',
    [order.orderId, order.showingId, order.tickets, order.email, outcome])
  return { orderId: order.orderId, outcome }
}

const app = Fastify({ logger: false })
app.get('/health', async () => ({ status: 'ok', database: store.kind }))
app.post('/orders', async (request, reply) => {
  const parsed = orderRequest.safeParse(request.body)
  if (!parsed.success) return reply.status(400).send({ code: 'BAD_REQUEST', message: z.prettifyError(parsed.error) })
  try {
    return await store.transaction((query) => placeOrder(query, parsed.data))
  } catch (error) {
    if (error instanceof NotFound) return reply.status(404).send({ code: 'NOT_FOUND', message: error.message })
    if (error instanceof PoolTimeout) return reply.status(503).send({ code: 'POOL_TIMEOUT', message: 'no database connection free in time' })
    if ((error as { code?: string }).code === '23505') return reply.status(409).send({ code: 'DUPLICATE', message: 'order exists' })
    return reply.status(500).send({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) })
  }
})

const url = await app.listen({ port: env.PORT, host: env.HOST })
console.log(`naive site (${store.kind}, pool ${store.kind === 'postgres' ? env.NAIVE_POOL_MAX : 1}) serving ${url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => store.close()).finally(() => process.exit(0))
  })
}
