import type { Database } from './sql.ts'
import type { EndpointTally } from './tally.ts'

/** How often a process says it is alive, and after how many missed beats it counts as down. */
export const heartbeat = { everyMs: 5_000, downAfterBeats: 3 }

/**
 * A process's heartbeat for the endpoints it consumes: one row per endpoint, its `last_seen` moved on by one
 * statement every beat; stopping says so at once. Beats that fail (the database restarting) are skipped, not fatal.
 */
export const startHeartbeats = (db: Database, instanceId: string, clock: () => Date, onError: (error: unknown) => void, tally: () => Record<string, EndpointTally> = () => ({})) => {
  const endpoints = new Set<string>()
  /** The partitions this process handled a batch from, and when it last did. */
  const writing = new Map<string, Date>()
  const beat = async () => {
    if (endpoints.size === 0) return
    const now = clock()
    // A partition not written for a minute is no longer claimed: another process may hold it by now.
    for (const [queue, at] of writing) if (now.getTime() - at.getTime() > 60_000) writing.delete(queue)
    await db.query(`update messaging.instances set last_seen = $2, writing = $4, tally = coalesce($5::jsonb -> endpoint, '{}')
      where instance_id = $1 and endpoint = any($3::text[])`,
      [instanceId, now, [...endpoints], JSON.stringify(Object.fromEntries(writing)), JSON.stringify(tally())])
  }
  const timer = setInterval(() => void beat().catch(onError), heartbeat.everyMs)
  timer.unref()
  return {
    async started(endpoint: string, queues: readonly string[], paused = false) {
      endpoints.add(endpoint)
      const now = clock()
      await db.query(
        `insert into messaging.instances (instance_id, endpoint, queues, started_at, last_seen, paused) values ($1, $2, $3, $4, $4, $5)
         on conflict (instance_id, endpoint) do update set last_seen = excluded.last_seen, queues = excluded.queues, stopped_at = null, paused = excluded.paused`, [instanceId, endpoint, queues, now, paused])
    },
    /** This process handled a batch from a partition (its single writer, then): told at the next beat. */
    wrote(queue: string, at: Date) {
      writing.set(queue, at)
    },
    /** Says this process paused the endpoint (ops' fault), or consumes it again. */
    async paused(endpoint: string, paused: boolean) {
      await db.query('update messaging.instances set paused = $3, last_seen = $4 where instance_id = $1 and endpoint = $2', [instanceId, endpoint, paused, clock()])
    },
    async stopped() {
      clearInterval(timer)
      if (endpoints.size) await db.query('update messaging.instances set stopped_at = $2, last_seen = $2 where instance_id = $1', [instanceId, clock()])
      endpoints.clear()
    },
  }
}

/**
 * The queues of the endpoints heard of in the last day, running or not (a queue nobody consumes is the one whose
 * depth matters most): what to ask the transport the depth of.
 */
export const knownQueues = async (db: Database, now: Date): Promise<Map<string, string[]>> => {
  const { rows } = await db.query<{ endpoint: string; queues: string[] }>(
    `select endpoint, array_agg(distinct q) as queues from messaging.instances, unnest(queues) as q
     where last_seen > $1 and endpoint <> 'web' group by endpoint`, [new Date(now.getTime() - 86_400_000)])
  return new Map(rows.map((r) => [r.endpoint, r.queues]))
}

export interface EndpointInstance {
  readonly instanceId: string
  /** What it saw of the endpoint in the last minute, as of its last beat (none: it handled nothing). */
  readonly tally?: EndpointTally
  /** Paused: up, but not taking its messages (ops' pause fault). */
  readonly status: 'up' | 'paused' | 'down' | 'stopped'
  readonly startedAt: Date
  readonly lastSeen: Date
}

/** Every endpoint with its instances, as their heartbeats say; those stopped or down for a day are left out. */
export const endpointInstances = async (db: Database, now: Date): Promise<Map<string, EndpointInstance[]>> => {
  const { rows } = await db.query<{ endpoint: string; instanceId: string; startedAt: Date; lastSeen: Date; stoppedAt: Date | null; paused: boolean; tally: EndpointTally | Record<string, never> }>(
    `select endpoint, instance_id as "instanceId", started_at as "startedAt", last_seen as "lastSeen", stopped_at as "stoppedAt", paused, tally
     from messaging.instances where last_seen > $1 order by endpoint, started_at`, [new Date(now.getTime() - 86_400_000)])
  const byEndpoint = new Map<string, EndpointInstance[]>()
  for (const row of rows) {
    const silentMs = now.getTime() - new Date(row.lastSeen).getTime()
    const status = row.stoppedAt ? 'stopped' : silentMs > heartbeat.everyMs * heartbeat.downAfterBeats ? 'down' : row.paused ? 'paused' : 'up'
    byEndpoint.set(row.endpoint, [...(byEndpoint.get(row.endpoint) ?? []), { instanceId: row.instanceId, status, startedAt: new Date(row.startedAt), lastSeen: new Date(row.lastSeen), ...('retried' in row.tally && status !== 'stopped' && { tally: row.tally as EndpointTally }) }])
  }
  return byEndpoint
}

/**
 * Waits until every live instance of the endpoint says it is paused (or, `paused` false, consumes again) — what a
 * fault set in the database has reached every process — or `withinMs` passed; whether they all had.
 */
export const untilPaused = async (db: Database, endpoint: string, paused: boolean, withinMs = 5_000): Promise<boolean> => {
  const deadline = Date.now() + withinMs
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from messaging.instances where endpoint = $1 and stopped_at is null and last_seen > $2 and paused <> $3`,
      [endpoint, new Date(Date.now() - heartbeat.everyMs * heartbeat.downAfterBeats), paused])
    if (rows[0]!.n === 0) return true
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export interface PartitionWriter {
  readonly queue: string
  readonly instanceId: string
  readonly lastBatchAt: string
}

/** Which live instance last handled a batch from each partition: its single writer, as the instances tell it. */
export const partitionWriters = async (db: Database, now: Date): Promise<PartitionWriter[]> => {
  const { rows } = await db.query<{ queue: string; instanceId: string; at: string }>(
    `select distinct on (w.key) w.key as queue, i.instance_id as "instanceId", w.value as at
     from messaging.instances i, jsonb_each_text(i.writing) w
     where i.stopped_at is null and i.last_seen > $1
     order by w.key, w.value desc`, [new Date(now.getTime() - heartbeat.everyMs * heartbeat.downAfterBeats)])
  return rows.map((r) => ({ queue: r.queue, instanceId: r.instanceId, lastBatchAt: new Date(r.at).toISOString() }))
}
