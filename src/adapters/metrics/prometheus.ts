import { Counter, Gauge, Histogram, type OpenMetricsContentType, Registry, collectDefaultMetrics, openMetricsContentType } from 'prom-client'
import type { MessagingObserver } from '../../messaging/observer.ts'
import type { Database } from '../../messaging/sql.ts'
import { knownQueues } from '../../messaging/heartbeats.ts'
import type { Transport } from '../../messaging/transport.ts'
import { endpointOfQueue } from '../../messaging/partitions.ts'
import type { ContextModule } from '../../contexts/index.ts'

/** A reading a context gives when the metrics are scraped: one gauge, one value per label set. */
export interface GaugeReading {
  readonly name: string
  readonly help: string
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[]
}

/** Seconds, from the fast (a message handled in a batch) to the slow (one waiting out a back-off or a sale). */
const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * This process's metrics in Prometheus's registry (prom-client), in the OpenMetrics text format: the messages it
 * handled, retried and failed with their processing and critical time (sent → handled), told by the pipeline as an
 * observer; and, read when scraped, the depth of the database queue's queues and what the contexts report (orders
 * decided, people waiting, projection lag) — those are the database's, so every process reports the same.
 */
export const createMetrics = (options: { readonly db: Database; readonly transport: Pick<Transport, 'depths'>; readonly readings?: () => Promise<readonly GaugeReading[]> }) => {
  const registry = new Registry<OpenMetricsContentType>()
  registry.setContentType(openMetricsContentType)
  collectDefaultMetrics({ register: registry, prefix: 'popcorn_' })
  const handled = new Counter({ name: 'popcorn_messages_handled', help: 'Messages handled and committed', labelNames: ['queue', 'type'], registers: [registry] })
  const retried = new Counter({ name: 'popcorn_messages_retried', help: 'Handler failures followed by another try', labelNames: ['queue', 'type'], registers: [registry] })
  const failed = new Counter({ name: 'popcorn_messages_failed', help: 'Messages moved to the error queue', labelNames: ['queue', 'type'], registers: [registry] })
  const processing = new Histogram({ name: 'popcorn_message_processing_seconds', help: 'Time to handle the batch a message was handled in', labelNames: ['queue'], buckets, registers: [registry] })
  const critical = new Histogram({ name: 'popcorn_message_critical_seconds', help: 'Time from a message being sent to it being handled', labelNames: ['queue'], buckets, registers: [registry] })
  /** Partitions are one queue to a person reading the numbers (`ordering.p3` counts as `ordering`), web nodes' one too. */
  const queueOf = (queue: string) => endpointOfQueue(queue).replace(/^web\..+$/, 'web')

  const observer: MessagingObserver = {
    handled(queue, processingMs, messages) {
      const q = queueOf(queue)
      const now = Date.now()
      const byType = new Map<string, number>()
      const processedIn = processing.labels(q)
      const waited = critical.labels(q)
      for (const { type, sentAt } of messages) {
        byType.set(type, (byType.get(type) ?? 0) + 1)
        processedIn.observe(processingMs / 1000)
        waited.observe(Math.max(0, now - Date.parse(sentAt)) / 1000)
      }
      for (const [type, n] of byType) handled.inc({ queue: q, type }, n)
    },
    retried: (queue, type) => retried.inc({ queue: queueOf(queue), type }),
    failed: (queue, type) => failed.inc({ queue: queueOf(queue), type }),
  }

  new Gauge({
    name: 'popcorn_queue_depth', help: 'Messages waiting in the queues of the endpoints running (a partitioned one\'s partitions together)', labelNames: ['queue'], registers: [registry],
    async collect() {
      this.reset()
      const queues = [...(await knownQueues(options.db, new Date())).values()].flat()
      const depths = new Map<string, number>()
      for (const [queue, depth] of await options.transport.depths(queues)) depths.set(queueOf(queue), (depths.get(queueOf(queue)) ?? 0) + depth)
      for (const [queue, depth] of depths) this.set({ queue }, depth)
    },
  })
  new Gauge({
    name: 'popcorn_error_queue_messages', help: 'Messages in the error queue, waiting for a person', registers: [registry],
    async collect() {
      const { rows } = await options.db.query<{ n: number }>('select count(*)::int as n from messaging.failed_messages')
      this.set(rows[0]?.n ?? 0)
    },
  })

  /** Gauges of the contexts' readings, made the first time each is read; contexts may share one (projection lag). */
  const readingGauges = new Map<string, Gauge>()
  const readAll = async () => {
    const byName = new Map<string, GaugeReading[]>()
    for (const reading of (await options.readings?.()) ?? []) byName.set(reading.name, [...(byName.get(reading.name) ?? []), reading])
    for (const [name, readings] of byName) {
      const samples = readings.flatMap((r) => r.samples)
      let gauge = readingGauges.get(name)
      if (!gauge) {
        const labelNames = [...new Set(samples.flatMap((s) => Object.keys(s.labels ?? {})))]
        readingGauges.set(name, gauge = new Gauge({ name, help: readings[0]!.help, labelNames, registers: [registry] }))
      }
      gauge.reset()
      for (const sample of samples) gauge.set(sample.labels ?? {}, sample.value)
    }
  }

  return {
    observer,
    /** Gauges this process keeps itself (its sockets, say). */
    gauge: (name: string, help: string, read: () => number) => new Gauge({ name, help, registers: [registry], collect() { this.set(read()) } }),
    contentType: openMetricsContentType,
    async scrape(): Promise<string> {
      await readAll()
      return registry.metrics()
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** A shared projection's lag, as the contexts report it: how many writes it has not taken in, and the oldest's age. */
export const projectionLag = (projection: string, lag: { readonly pending: number; readonly oldestMs: number }): GaugeReading[] => [
  { name: 'popcorn_projection_lag_seconds', help: 'Age of the oldest write a shared read model has not taken in yet (0: up to date)', samples: [{ labels: { projection }, value: lag.oldestMs / 1000 }] },
  { name: 'popcorn_projection_pending', help: 'Writes a shared read model has not taken in yet', samples: [{ labels: { projection }, value: lag.pending }] },
]

/** Every context's readings, together; one that cannot be read now (its tables busy, say) leaves its gauges out this time. */
export const readingsOf = async (contexts: readonly ContextModule[], db: Database): Promise<GaugeReading[]> => {
  const now = new Date()
  const read = await Promise.allSettled(contexts.map((context) => context.readings?.(db, now) ?? Promise.resolve([])))
  return read.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
}
