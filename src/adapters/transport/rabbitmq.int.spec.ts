import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer, connect as tcpConnect, type AddressInfo, type Socket } from 'node:net'
import { after, before, describe, test } from 'node:test'
import amqp from 'amqplib'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { coreMigrations, migrate } from '../db/migrate.ts'
import { openPglite } from '../db/pglite.ts'
import { firstHeaders, type Headers } from '../../messaging/envelope.ts'
import type { Database } from '../../messaging/sql.ts'
import type { Delivery, Destination, Outgoing } from '../../messaging/transport.ts'
import { createRabbitTransport, type RabbitTransport } from './rabbitmq.ts'

// CI points POPCORN_TEST_BROKER_URL at its broker; on a machine without one the suite says so and skips.
const brokerUrl = process.env.POPCORN_TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const reachable = process.env.POPCORN_TEST_BROKER_URL
  ? true
  : await amqp.connect(brokerUrl, { timeout: 2_000 }).then((c) => c.close().then(() => true), () => false)
const skip = reachable ? false : `no RabbitMQ at ${brokerUrl} (set POPCORN_TEST_BROKER_URL)`

const DELIVERY_LIMIT = 2

const outgoing = (destination: Destination, type: string, data: unknown, options: { intent?: Headers['intent']; deliverAt?: Date; replyTo?: string; originClient?: string } = {}): Outgoing => {
  const headers = firstHeaders(type, options.intent ?? ('topic' in destination ? 'publish' : 'send'), new Date(), options)
  return { destination, messageId: headers.messageId, message: { headers, body: JSON.stringify(data) }, ...(options.deliverAt && { deliverAt: options.deliverAt }) }
}

const inOutbox = async (db: Database, messageId: string) =>
  (await db.query<{ n: number }>('select count(*)::int as n from messaging.outbox where message_id = $1', [messageId])).rows[0]!.n

const openWorld = async (url: string, namespace: string) => {
  const db = await openPglite('memory://')
  await migrate(db, [coreMigrations])
  const transport = await createRabbitTransport({ url, db, namespace, logger: testLogger, deliveryLimit: DELIVERY_LIMIT, sweepIntervalMs: 50, ingestDeadLetters: true })
  const commit = async (...messages: Outgoing[]) => {
    const flush = await db.transaction((tx) => transport.enqueue(tx, messages))
    await flush()
  }
  /** Consumes a queue, recording every delivery; `react` settles it (ack by default). */
  const listen = async (queue: string, react: (delivery: Delivery) => Promise<void> = (d) => d.ack()) => {
    const received: Delivery[] = []
    const consumer = await transport.consume(queue, async (delivery) => {
      received.push(delivery)
      await react(delivery)
    }, { concurrency: 4 })
    return { received, consumer }
  }
  const declare = (queue: string, events: string[] = [], temporary = false) => transport.declare({ queue, events, temporary })
  return { db, transport, commit, listen, declare }
}

describe('RabbitMQ transport', { skip }, () => {
  const namespace = `t-${randomBytes(4).toString('hex')}`
  let world: Awaited<ReturnType<typeof openWorld>>
  let broker: amqp.ChannelModel

  before(async () => {
    world = await openWorld(brokerUrl, namespace)
    broker = await amqp.connect(brokerUrl)
  })
  after(async () => {
    await broker?.close()
    await world?.transport.destroyTopology()
    await world?.transport.close()
    await world?.db.close()
  })

  test('enqueue + flush delivers to a declared queue with its headers, and deletes the outbox row', async () => {
    await world.declare('ordering')
    const { received } = await world.listen('ordering')
    const message = outgoing({ queue: 'ordering' }, 'ordering.SubmitOrder', { seats: 4 }, { replyTo: 'web.3f2a', originClient: 'socket-1' })
    await world.commit(message)
    assert.equal(await inOutbox(world.db, message.messageId), 0)
    const [delivery] = await eventually(() => (received.length === 1 ? received : assert.fail('not yet')), { what: 'the message' })
    assert.equal(delivery!.raw.body, message.message.body)
    assert.equal(delivery!.deliveryCount, 1)
    for (const [key, value] of Object.entries(message.message.headers)) assert.deepEqual(delivery!.raw.headers[key], value, key)
    assert.equal(delivery!.raw.headers.replyTo, 'web.3f2a')
  })

  test('publishes with confirmed, persistent AMQP properties taken from the headers', async () => {
    await world.declare('inspect')
    const message = outgoing({ queue: 'inspect' }, 'test.Inspected', { n: 1 })
    await world.commit(message)
    const channel = await broker.createChannel()
    const got = await eventually(async () => (await channel.get(`${namespace}.inspect`, { noAck: true })) || assert.fail('empty'))
    await channel.close()
    const headers = message.message.headers
    assert.equal(got.properties.messageId, headers.messageId)
    assert.equal(got.properties.type, 'test.Inspected')
    assert.equal(got.properties.correlationId, headers.correlationId)
    assert.equal(got.properties.contentType, 'application/json')
    assert.equal(got.properties.deliveryMode, 2)
    assert.equal(got.properties.timestamp, Math.floor(Date.parse(String(headers.sentAt)) / 1000))
  })

  test('a published event reaches every subscribed queue and no other', async () => {
    await world.declare('billing', ['ordering.OrderAccepted'])
    await world.declare('notifications', ['ordering.OrderAccepted', 'billing.PaymentFailed'])
    await world.declare('catalog', ['catalog.MovieAdded'])
    const [billing, notifications, catalog] = await Promise.all(['billing', 'notifications', 'catalog'].map((q) => world.listen(q)))
    await world.commit(outgoing({ topic: 'ordering.OrderAccepted' }, 'ordering.OrderAccepted', { orderId: 'o-1' }))
    await eventually(() => assert.ok(billing!.received.length === 1 && notifications!.received.length === 1, 'not yet: billing!.received.length === 1 && notifications!.received.length === 1'))
    assert.equal(billing!.received[0]!.raw.headers.type, 'ordering.OrderAccepted')
    // A marker published after it to the same queue arrives after it: so "not delivered" is a fact, not a wait.
    await world.commit(outgoing({ queue: 'catalog' }, 'test.Marker', {}))
    await eventually(() => assert.equal(catalog!.received.length, 1))
    assert.equal(catalog!.received[0]!.raw.headers.type, 'test.Marker')
  })

  test('a message due later is left in the outbox and delivered by the sweeper', async () => {
    await world.declare('timeouts')
    const { received } = await world.listen('timeouts')
    const message = outgoing({ queue: 'timeouts' }, 'test.TimeoutDue', {}, { intent: 'timeout', deliverAt: new Date(Date.now() + 300) })
    await world.commit(message)
    assert.equal(received.length, 0)
    assert.equal(await inOutbox(world.db, message.messageId), 1)
    await eventually(() => assert.equal(received.length, 1), { what: 'the delayed message' })
    assert.equal(received[0]!.raw.headers.messageId, message.messageId)
    await eventually(async () => assert.equal(await inOutbox(world.db, message.messageId), 0))
  })

  test('a committed message whose flush never ran is published by the sweeper', async () => {
    await world.declare('orphans')
    const { received } = await world.listen('orphans')
    const message = outgoing({ queue: 'orphans' }, 'test.Orphan', {})
    await world.db.transaction((tx) => world.transport.enqueue(tx, [message])) // the process "died" before flushing
    await eventually(() => assert.equal(received.length, 1), { what: 'the unflushed message' })
    await eventually(async () => assert.equal(await inOutbox(world.db, message.messageId), 0))
  })

  test('a rolled-back transaction publishes nothing', async () => {
    await world.declare('rollback')
    const { received } = await world.listen('rollback')
    const doomed = outgoing({ queue: 'rollback' }, 'test.Doomed', {})
    await assert.rejects(world.db.transaction(async (tx) => {
      await world.transport.enqueue(tx, [doomed])
      throw new Error('changed my mind')
    }), /changed my mind/)
    assert.equal(await inOutbox(world.db, doomed.messageId), 0)
    await world.commit(outgoing({ queue: 'rollback' }, 'test.Marker', {}))
    await eventually(() => assert.equal(received.length, 1))
    assert.deepEqual(received.map((d) => d.raw.headers.type), ['test.Marker'])
  })

  test('a released delivery comes back with deliveryCount 2', async () => {
    await world.declare('retrying')
    const { received } = await world.listen('retrying', (d) => (d.deliveryCount === 1 ? d.release() : d.ack()))
    await world.commit(outgoing({ queue: 'retrying' }, 'test.Flaky', {}))
    await eventually(() => assert.equal(received.length, 2), { what: 'the redelivery' })
    assert.deepEqual(received.map((d) => d.deliveryCount), [1, 2])
  })

  test('stop() waits for the deliveries in hand to settle', async () => {
    await world.declare('slow')
    let open = () => {}
    const gate = new Promise<void>((resolve) => (open = resolve))
    const { received, consumer } = await world.listen('slow', async (d) => {
      await gate
      await d.ack()
    })
    await world.commit(outgoing({ queue: 'slow' }, 'test.Slow', {}))
    await eventually(() => assert.equal(received.length, 1))
    let stopped = false
    const stopping = consumer.stop().then(() => (stopped = true))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(stopped, false)
    open()
    await stopping
    const channel = await broker.createChannel()
    const queue = await channel.checkQueue(`${namespace}.slow`)
    await channel.close()
    assert.equal(queue.messageCount, 0) // acked, not requeued
  })

  test('a message over the delivery limit is dead-lettered into failed_messages, once', async () => {
    await world.declare('poison')
    const { received } = await world.listen('poison', (d) => d.release())
    const message = outgoing({ queue: 'poison' }, 'test.Poison', { bad: true })
    await world.commit(message)
    const failedFor = async (messageId: string) =>
      (await world.db.query<{ queue: string; code: string; attempts: number; message_type: string; reason: string; body: string; headers: Record<string, unknown> }>(
        'select queue, code, attempts, message_type, reason, body, headers from messaging.failed_messages where message_id = $1', [messageId])).rows
    // Where the message is while it is not in failed_messages yet, for a failure to say which hop stalled: a dead
    // letter the error queue has not confirmed stays counted in its source queue (at-least-once dead-lettering).
    const whereItIs = async () => {
      const channel = await broker.createChannel()
      try {
        const [poison, error] = [await channel.checkQueue(`${namespace}.poison`), await channel.checkQueue(`${namespace}.error`)]
        return `delivered ${received.length} times; ${poison.messageCount} in the poison queue, ${error.messageCount} in the error queue`
      } finally {
        await channel.close()
      }
    }
    // RabbitMQ's dead-letter worker resends a dead letter the error queue did not confirm (a broker busy with other
    // suites' queues) after `dead_letter_worker_publisher_confirm_timeout`, 180 s by default: the bound waits that out.
    const [row] = await eventually(async () => ((await failedFor(message.messageId)).length === 1 ? failedFor(message.messageId) : assert.fail(await whereItIs())),
      { what: 'the dead letter in failed_messages', timeoutMs: 200_000, intervalMs: 100 })
    assert.equal(received.length, DELIVERY_LIMIT + 1)
    assert.deepEqual({ queue: row!.queue, code: row!.code, attempts: row!.attempts, type: row!.message_type, body: row!.body },
      { queue: 'poison', code: 'DEAD_LETTERED', attempts: DELIVERY_LIMIT + 1, type: 'test.Poison', body: message.message.body })
    assert.match(row!.reason, /delivery_limit/)
    assert.equal(row!.headers.messageId, message.messageId)

    // The same dead letter again (RabbitMQ redelivered it before our ack landed), then a marker behind it.
    const channel = await broker.createChannel()
    const deadLetter = (headers: Record<string, unknown>) => channel.sendToQueue(`${namespace}.error`, Buffer.from('{}'),
      { headers: { ...headers, 'x-first-death-queue': `${namespace}.poison`, 'x-first-death-reason': 'delivery_limit' } })
    deadLetter(message.message.headers)
    const marker = outgoing({ queue: 'poison' }, 'test.Marker', {})
    deadLetter(marker.message.headers)
    await channel.close()
    // The same bound as the first dead letter's: on a busy broker the marker was seen to take more than the default 20 s.
    await eventually(async () => assert.equal((await failedFor(marker.messageId)).length, 1, await whereItIs()), { what: 'the marker in failed_messages', timeoutMs: 200_000, intervalMs: 100 })
    assert.equal((await failedFor(message.messageId)).length, 1)
  })

  test('a send to a queue nobody declared stays in the outbox until the queue exists', async () => {
    const message = outgoing({ queue: 'late' }, 'test.Early', {})
    await world.commit(message)
    assert.equal(await inOutbox(world.db, message.messageId), 1)
    await world.declare('late')
    const { received } = await world.listen('late')
    await eventually(() => assert.equal(received.length, 1), { what: 'the message kept for the late queue' })
  })

  test('a reply to a temporary queue that is gone is dropped', async () => {
    await world.declare('web.gone', [], true)
    await world.transport.remove({ queue: 'web.gone', events: [], temporary: true })
    const reply = outgoing({ queue: 'web.gone' }, 'test.Pong', {}, { intent: 'reply' })
    await world.commit(reply)
    assert.equal(await inOutbox(world.db, reply.messageId), 0)
  })
})

describe('RabbitMQ transport options', () => {
  let db: Database
  before(async () => (db = await openPglite('memory://')))
  after(() => db?.close())

  test('a URL that is not amqp:// is refused with a clear error', async () => {
    await assert.rejects(createRabbitTransport({ url: 'http://localhost:5672', db, logger: testLogger }), /invalid RabbitMQ transport options[\s\S]*amqp:\/\//)
  })

  test('an unreachable broker is refused at start, without the password', async () => {
    await assert.rejects(createRabbitTransport({ url: 'amqp://guest:secret@127.0.0.1:1', db, logger: testLogger }), (error: Error) =>
      /cannot connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/.test(error.message) && !error.message.includes('secret'))
  })
})

/** A TCP relay in front of the broker: cutting its sockets is a lost connection, with no admin rights needed. */
const startRelay = async (target: URL) => {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket)).on('error', () => {})
  }
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 5672), target.hostname)
    track(client)
    track(upstream)
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String((server.address() as AddressInfo).port)
  const cut = () => sockets.forEach((socket) => socket.destroy())
  return { url: url.toString(), cut, close: () => new Promise<void>((resolve) => { cut(); server.close(() => resolve()) }) }
}

describe('RabbitMQ transport after a lost connection', { skip: skip || (brokerUrl.startsWith('amqps:') && 'the relay speaks plain TCP') }, () => {
  let relay: Awaited<ReturnType<typeof startRelay>>
  let world: Awaited<ReturnType<typeof openWorld>>

  before(async () => {
    relay = await startRelay(new URL(brokerUrl))
    world = await openWorld(relay.url, `t-${randomBytes(4).toString('hex')}`)
  })
  after(async () => {
    await world?.transport.destroyTopology()
    await world?.transport.close()
    await world?.db.close()
    await relay?.close()
  })

  test('reconnects, declares again and resumes consuming; what was sent meanwhile arrives', async () => {
    await world.declare('web.node', ['test.Shown'], true) // gone with the connection: must be declared again
    await world.declare('durable')
    const [web, durable] = await Promise.all([world.listen('web.node'), world.listen('durable')])
    relay.cut()
    await world.commit(outgoing({ queue: 'durable' }, 'test.DuringOutage', {}))
    await eventually(() => assert.equal(durable.received.length, 1), { what: 'the message sent during the outage' })
    await world.commit(outgoing({ topic: 'test.Shown' }, 'test.Shown', {}))
    await eventually(() => assert.equal(web.received.length, 1), { what: 'the event on the re-declared temporary queue' })
  })
})
