import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { connect } from 'amqplib'
import pg from 'pg'
import { startCluster } from '../../../test/support/cluster.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { ownPostgres, ownRabbit, type OwnServer } from '../../../test/support/own-servers.ts'
import { postgresShape, shapes, type Shape } from '../../../test/support/shapes.ts'
import { shopper, type ShopperSocket } from '../../../test/support/shoppers.ts'

const showtimeId = 'dune-breda-1'
const browsers = 125
const ordersEach = 8 // 1,000 orders, one ticket each: within the per-buyer cap, more than the showing has
const outageMs = 3_000

interface Placed {
  readonly orderId: string
  readonly socket: ShopperSocket
  /** Refused while the database was away ("try again"); submitted again, with the same id, once it was back. */
  refused: boolean
  /** Answered "sold out" at once from the web node's view: nothing stored, nothing to push. */
  soldOutAtOnce: boolean
}

/**
 * The sale: 125 browsers on two web nodes, 8 orders each; three rounds before the outage, two while it lasts, the
 * rest after it. Whatever was refused with "try again" meanwhile is submitted again with the same order id.
 */
const saleThroughOutage = async (shape: Shape, outageOf: (cluster: Awaited<ReturnType<typeof startCluster>>) => Promise<{ restore(): Promise<void> }>, felt: 'refused' | 'accepted') => {
  const cluster = await startCluster(shape, { web: 2, worker: 2 })
  const shoppers = Array.from({ length: browsers }, () => shopper())
  try {
    const { capacity } = await cluster.seatsOf(showtimeId)
    const sockets = await Promise.all(shoppers.map((s, i) => s.connect(cluster.urls[i % 2]!)))
    const placed: Placed[] = []
    const submit = async (socket: ShopperSocket, i: number, orderId: string) => {
      const answer = await socket.submit({ orderId, showtimeId, tickets: 1, email: `fan-${i}@example.com` })
      return answer
    }
    const round = (count: number) => Promise.all(sockets.map(async (socket, i) => {
      for (let n = 0; n < count; n++) {
        const orderId = randomUUID()
        const answer = await submit(socket, i, orderId)
        const order: Placed = { orderId, socket, refused: !answer.ok, soldOutAtOnce: answer.status === 'sold-out' && !answer.statusUrl }
        if (!answer.ok) assert.equal(answer.error?.code, 'UNAVAILABLE', `only "try again" while the database is away: ${JSON.stringify(answer)}`)
        placed.push(order)
      }
    }))

    await round(3)
    const outage = await outageOf(cluster)
    const ends = Date.now() + outageMs
    await round(2) // while it is away: told to try again (the database), or taken into the outbox (the broker)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now()))) // the outage's length: the scenario, not a wait for something
    await outage.restore()
    const refusedMeanwhile = placed.filter((o) => o.refused).length
    if (felt === 'refused') assert.ok(refusedMeanwhile > 0, 'the outage was felt: orders made while it lasted were refused with "try again"')
    else assert.equal(refusedMeanwhile, 0, 'the outbox keeps what is sent while the broker is away: every order taken')

    // The refused ones submitted again with the same order id, as the page's form keeps it; then the rest.
    await eventually(async () => {
      for (const order of placed.filter((o) => o.refused)) {
        const i = sockets.indexOf(order.socket)
        const answer = await submit(order.socket, i, order.orderId)
        if (answer.ok) Object.assign(order, { refused: false, soldOutAtOnce: answer.status === 'sold-out' && !answer.statusUrl })
      }
      assert.equal(placed.filter((o) => o.refused).length, 0, 'every refused order taken once the database is back')
    }, { timeoutMs: 120_000, intervalMs: 500, what: 'the refused orders placed again' })
    await round(ordersEach - 5)
    assert.equal(placed.length, browsers * ordersEach)

    // Every order decided, each once; the seats add up.
    const db = new pg.Client({ connectionString: cluster.settings.databaseUrl })
    await db.connect()
    try {
      const stored = placed.filter((o) => !o.soldOutAtOnce).map((o) => o.orderId)
      await eventually(async () => {
        const { rows } = await db.query<{ undecided: number }>('select count(*)::int as undecided from ordering.orders where order_id = any($1::uuid[]) and decided_at is null', [stored])
        assert.equal(rows[0]!.undecided, 0, `${rows[0]!.undecided} orders not decided yet; exited: ${cluster.exited().join('\n')}`)
      }, { timeoutMs: 180_000, intervalMs: 500, what: 'every order decided' })
      const { rows: [counts] } = await db.query<{ orders: number; accepted: number }>(
        `select count(*)::int as orders, count(*) filter (where status = 'accepted')::int as accepted from ordering.orders where showtime_id = $1`, [showtimeId])
      assert.equal(counts!.orders, stored.length, 'each order stored once')
      const { rows: [seats] } = await db.query<{ reserved: number }>(
        `select coalesce(sum(-delta), 0)::int as reserved from ordering.seat_events where showtime_id = $1 and type = 'SeatsReserved'`, [showtimeId])
      assert.equal(seats!.reserved, counts!.accepted, 'one reservation per accepted order: none decided twice')
      assert.equal(counts!.accepted, Math.min(capacity, stored.length))
      const { rows: [failed] } = await db.query<{ n: number }>('select count(*)::int as n from messaging.failed_messages')
      assert.equal(failed!.n, 0, 'nothing in the error queue')
    } finally {
      await db.end()
    }
    if (cluster.settings.brokerUrl) {
      const broker = await connect(cluster.settings.brokerUrl)
      const channel = await broker.createChannel()
      const { messageCount } = await channel.checkQueue(`${cluster.settings.namespace}.error`)
      await broker.close()
      assert.equal(messageCount, 0, 'nothing dead-lettered by RabbitMQ')
    }

    // Every outcome reaches its browser: pushed, or — pushed while the database (and so the socket adapter) was
    // away — asked for, as the page asks every few seconds for an answer that is late.
    await eventually(async () => {
      const missing = placed.filter((o) => !o.soldOutAtOnce && !o.socket.outcomes.has(o.orderId))
      const bySocket = new Map<ShopperSocket, string[]>()
      for (const o of missing) bySocket.set(o.socket, [...(bySocket.get(o.socket) ?? []), o.orderId])
      await Promise.all([...bySocket].map(([socket, ids]) => socket.resume(ids.slice(0, 50))))
      assert.equal(missing.length, 0, `${missing.length} outcomes not at their browser yet`)
    }, { timeoutMs: 60_000, intervalMs: 1_000, what: 'every outcome at its browser' })

    assert.deepEqual(cluster.exited(), [], 'no process exited')
  } finally {
    shoppers.forEach((s) => s.close())
    await cluster.stop()
  }
}

const scenario = 'in the middle of 1,000 orders: no process exits, every order is decided once, nothing is in the error queue, every outcome reaches its browser'

/**
 * The outages are real restarts, of a PostgreSQL server or a RabbitMQ node of the test's own (every other test file
 * keeps using the shared ones meanwhile): stopped at once in the middle of the sale, every connection dropped, and
 * started again on the same data a few seconds later.
 */
const restarting = (server: OwnServer) => async () => {
  await server.stop()
  assert.equal(await server.answers(), false, 'the server is down')
  return { restore: () => server.start() }
}

const brokerUrl = process.env.POPCORN_TEST_BROKER_URL
for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`riding out a restart of PostgreSQL: two web and two worker processes on ${shape.name}`, () => {
    test(`PostgreSQL restarted ${scenario}`, { timeout: 300_000 }, async () => {
      const server = await ownPostgres()
      try {
        await saleThroughOutage(postgresShape(shape.name.endsWith('rabbitmq') ? brokerUrl : undefined, server.adminUrl), restarting(server), 'refused')
      } finally {
        await server.destroy()
      }
    })
  })
}

if (shapes.some((s) => s.name === 'postgres + rabbitmq')) {
  describe('riding out a restart of RabbitMQ: two web and two worker processes on postgres + rabbitmq', () => {
    test(`RabbitMQ restarted ${scenario}`, { timeout: 300_000 }, async () => {
      const node = await ownRabbit()
      try {
        await saleThroughOutage(postgresShape(node.url), restarting(node), 'accepted')
      } finally {
        await node.destroy()
      }
    })
  })
}

for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`a web process killed while its buyers wait, on ${shape.name}`, () => {
    test('its buyers reconnect to the other web node and get every outcome', { timeout: 300_000 }, async () => {
      const cluster = await startCluster(shape, { web: 2, worker: 2 })
      const shoppers = Array.from({ length: 40 }, () => shopper())
      try {
        await cluster.seatsOf(showtimeId)
        // Every browser on web node 0, four orders each; node 0 is killed as soon as it acknowledged them.
        const first = await Promise.all(shoppers.map((s) => s.connect(cluster.urls[0]!)))
        const placed = (await Promise.all(first.map(async (socket, i) =>
          Promise.all(Array.from({ length: 4 }, async () => {
            const answer = await socket.submit({ showtimeId, tickets: 1, email: `waiting-${i}@example.com` })
            assert.ok(answer.ok && answer.orderId, JSON.stringify(answer))
            return { browser: i, orderId: answer.orderId, atOnce: answer.status === 'sold-out' && !answer.statusUrl }
          }))))).flat()
        cluster.webs[0]!.child.kill('SIGKILL')
        await cluster.webs[0]!.exited
        first.forEach((socket) => socket.socket.close())

        // The page reconnects (to whichever node answers: here the other) and asks for what it still waits for.
        const again = await Promise.all(shoppers.map((s) => s.connect(cluster.urls[1]!)))
        const waiting = placed.filter((o) => !o.atOnce)
        await eventually(async () => {
          const missing = waiting.filter((o) => !again[o.browser]!.outcomes.has(o.orderId))
          const byBrowser = new Map<number, string[]>()
          for (const o of missing) byBrowser.set(o.browser, [...(byBrowser.get(o.browser) ?? []), o.orderId])
          await Promise.all([...byBrowser].map(([browser, ids]) => again[browser]!.resume(ids)))
          assert.equal(missing.length, 0, `${missing.length} outcomes not at their browser yet`)
        }, { timeoutMs: 120_000, intervalMs: 1_000, what: 'every outcome at its browser on the other node' })
        assert.deepEqual(cluster.exited().length, 1, 'only the killed process is gone')
      } finally {
        shoppers.forEach((s) => s.close())
        await cluster.stop()
      }
    })
  })
}
