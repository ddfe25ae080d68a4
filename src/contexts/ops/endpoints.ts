import type { FastifyInstance } from 'fastify'
import { endpointInstances, knownQueues, type EndpointInstance } from '../../messaging/heartbeats.ts'
import { endpointOfQueueSql } from '../../messaging/partitions.ts'
import type { Database } from '../../messaging/sql.ts'
import { endpointStats, type EndpointStats } from '../../messaging/throughput.ts'

/** The window the console draws: the last minute, a point a second. */
export const windowSeconds = 60

export interface EndpointOverview extends EndpointStats {
  readonly name: string
  readonly instances: readonly EndpointInstance[]
  /** Messages waiting in its queues now (a partitioned endpoint's partitions together); null when none is running. */
  readonly depth: number | null
  /** Failed messages of it in the error queue, waiting for a person. */
  readonly unresolvedFailures: number
  /** Retries in the last minute, as its instances told at their last heartbeat. */
  readonly retried: number
  /** How long its batches took (a message's processing time), p50 and p99: the slowest instance's, as it told. */
  readonly processingMs: { readonly p50: number | null; readonly p99: number | null }
}

const quiet = (seconds: number): EndpointStats => ({
  handledPerSecond: Array(seconds).fill(0), criticalP99PerSecond: Array(seconds).fill(null), criticalMs: { p50: null, p99: null }, failed: 0,
})

/**
 * Every endpoint, as ops sees it: its instances by their heartbeats (up, down, stopped, last seen), its queues' depth,
 * and its last minute from the inbox and the error queue (handled per second, critical time, failures). The same from
 * every process: it is all in the database, but the depth, which the transport tells.
 */
export const endpointsOverview = async (db: Database, depths: (queues: readonly string[]) => Promise<Map<string, number>>, now: Date): Promise<EndpointOverview[]> => {
  const [instances, queues, stats, unresolved] = await Promise.all([
    endpointInstances(db, now),
    knownQueues(db, now),
    endpointStats(db, now, windowSeconds),
    db.query<{ endpoint: string; n: number }>(`select ${endpointOfQueueSql()} as endpoint, count(*)::int as n from messaging.failed_messages where status = 'unresolved' group by 1`),
  ])
  const waiting = await depths([...queues.values()].flat())
  const names = new Set([...instances.keys(), ...stats.keys()].filter((name) => name !== 'web'))
  // Of the instances' own tallies, the slowest's: a console shows the worst, not an average that hides it.
  const slowest = (values: readonly (number | null)[]) => values.reduce<number | null>((max, v) => (v === null ? max : Math.max(max ?? v, v)), null)
  return [...names].sort().map((name) => {
    const told = (instances.get(name) ?? []).flatMap((i) => (i.tally ? [i.tally] : []))
    return {
      name,
      instances: instances.get(name) ?? [],
      depth: queues.has(name) ? queues.get(name)!.reduce((sum, q) => sum + (waiting.get(q) ?? 0), 0) : null,
      unresolvedFailures: unresolved.rows.find((r) => r.endpoint === name)?.n ?? 0,
      retried: told.reduce((sum, t) => sum + t.retried, 0),
      processingMs: { p50: slowest(told.map((t) => t.processingMs.p50)), p99: slowest(told.map((t) => t.processingMs.p99)) },
      ...(stats.get(name) ?? quiet(windowSeconds)),
    }
  })
}

/** `GET /api/ops/endpoints` (admins only, as all of /api/ops). */
export const endpointsApi = (db: Database, depths: (queues: readonly string[]) => Promise<Map<string, number>>) => async (app: FastifyInstance) => {
  app.get('/api/ops/endpoints', async () => {
    const now = new Date()
    return { at: now.toISOString(), windowSeconds, endpoints: await endpointsOverview(db, depths, now) }
  })
}
