import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connect, type ConfirmChannel } from 'amqplib'
import type { Logger } from 'pino'
import { probePostgres, probeRabbit, randomSuffix, Skip, throwawayDatabase } from '../lib/servers.ts'
import { createWaiters } from '../lib/waiters.ts'
import type { Settings } from './settings.ts'
import { withTeardown, type SubjectPlan } from './subject.ts'

const quorum = { durable: true, arguments: { 'x-queue-type': 'quorum' } }

const publishConfirmed = (channel: ConfirmChannel, queue: string, body: Buffer, correlationId: string) =>
  new Promise<void>((resolve, reject) =>
    channel.publish('', queue, body, { persistent: true, contentType: 'application/json', messageId: randomUUID(), correlationId }, (error) => (error ? reject(error) : resolve())))

/**
 * The ceiling: what the broker alone costs. Request and reply on durable quorum queues, publisher confirms, manual
 * acks, prefetch = the bus's concurrency; no database, no outbox, no inbox. The server acks a request once its
 * reply is confirmed.
 */
const amqplibCeiling = (settings: Settings): SubjectPlan => ({
  id: 'amqplib',
  label: 'ceiling: raw amqplib',
  kind: 'peer',
  open: () => withTeardown(async (later) => {
    const brokerVersion = await probeRabbit(settings.brokerUrl)
    const model = await connect(settings.brokerUrl)
    later(() => model.close())
    const requests = `bench-raw${randomSuffix()}.request`
    const replies = `${requests.slice(0, -'request'.length)}reply`
    const admin = await model.createChannel()
    later(async () => {
      await admin.deleteQueue(requests)
      await admin.deleteQueue(replies)
    })
    await admin.assertQueue(requests, quorum)
    await admin.assertQueue(replies, quorum)

    const serverIn = await model.createChannel()
    const serverOut = await model.createConfirmChannel()
    await serverIn.prefetch(settings.concurrency)
    const served = await serverIn.consume(requests, (message) => {
      if (!message) return
      publishConfirmed(serverOut, replies, message.content, String(message.properties.correlationId))
        .then(() => serverIn.ack(message), () => serverIn.nack(message, false, true))
    }, { noAck: false })
    later(() => serverIn.cancel(served.consumerTag))

    const waiters = createWaiters()
    const clientIn = await model.createChannel()
    const clientOut = await model.createConfirmChannel()
    await clientIn.prefetch(settings.concurrency)
    const received = await clientIn.consume(replies, (message) => {
      if (!message) return
      waiters.resolve(String(message.properties.correlationId))
      clientIn.ack(message)
    }, { noAck: false })
    later(() => clientIn.cancel(received.consumerTag))

    let n = 0
    return {
      roundTrip: () => {
        const id = randomUUID()
        return waiters.roundTrip(id, () => publishConfirmed(clientOut, requests, Buffer.from(JSON.stringify({ n: n++ })), id))
      },
      details: { broker: `RabbitMQ ${brokerVersion}`, queues: 'two durable quorum queues', prefetch: settings.concurrency, confirms: true, acks: 'manual' },
    }
  }),
})

/** The installed pg-boss's version, read from its package.json (its exports map hides the file from import). */
const pgBossVersion = () => {
  const entry = new URL(import.meta.resolve('pg-boss'))
  const manifest = new URL('../package.json', entry) // dist/index.js → package.json
  return JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; engines?: { node?: string } }
}

/**
 * A well-kept peer: pg-boss on the same PostgreSQL. A job to `bench-request`; its worker sends a job to
 * `bench-reply`, whose worker wakes the caller. Tuned for latency: LISTEN/NOTIFY on both queues, the polling
 * backstop at pg-boss's minimum (0.5 s), and one fetcher per queue taking up to `concurrency` jobs at a time and
 * fetching again at once while batches come back full. (Several fetchers of one job each, the obvious setting,
 * measured far worse here: every NOTIFY wakes all of them, and all but one fetch nothing.)
 */
const pgBoss = (settings: Settings, logger: Logger): SubjectPlan => ({
  id: 'pg-boss',
  label: 'peer: pg-boss',
  kind: 'peer',
  open: () => withTeardown(async (later) => {
    const serverVersion = await probePostgres(settings.databaseUrl)
    const { version, engines } = pgBossVersion()
    const { PgBoss } = await import('pg-boss').catch((error: unknown) => {
      throw new Skip(`pg-boss could not be loaded: ${error instanceof Error ? error.message : String(error)}`)
    })
    const throwaway = await throwawayDatabase(settings.databaseUrl, 'popcorn_bench_pgboss')
    later(throwaway.drop)
    const boss = new PgBoss({ connectionString: throwaway.url, max: settings.poolMax, useListenNotify: true, schedule: false })
    let stopping = false
    boss.on('error', (error: Error) => stopping || logger.warn({ error: error.message }, 'pg-boss error'))
    await boss.start()
    later(async () => {
      stopping = true
      await boss.stop({ graceful: false, timeout: 5_000 })
    })

    const waiters = createWaiters()
    const work = { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5, localConcurrency: 1, batchSize: settings.concurrency, burstWhenBatchFull: true }
    await boss.createQueue('bench-request', { notify: true })
    await boss.createQueue('bench-reply', { notify: true })
    await boss.work<{ id: string }>('bench-request', work, (jobs) => Promise.all(jobs.map((job) => boss.send('bench-reply', { id: job.data.id }))))
    await boss.work<{ id: string }>('bench-reply', work, async (jobs) => jobs.forEach((job) => waiters.resolve(job.data.id)))

    return {
      roundTrip: () => {
        const id = randomUUID()
        return waiters.roundTrip(id, () => boss.send('bench-request', { id }))
      },
      details: {
        pgBoss: version,
        declaredNodeEngines: engines?.node ?? 'none',
        ranOnNode: process.version,
        database: `PostgreSQL ${serverVersion} (throw-away database)`,
        useListenNotify: true,
        queueNotify: true,
        minimumPollingIntervalSeconds: 0.5,
        ...work,
        poolMax: settings.poolMax,
      },
    }
  }),
})

export const peerPlans = (settings: Settings, logger: Logger): SubjectPlan[] => [amqplibCeiling(settings), pgBoss(settings, logger)]
