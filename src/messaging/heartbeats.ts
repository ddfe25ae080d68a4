import type { Database } from './sql.ts'

/** How often a process says it is alive, and after how many missed beats it counts as down. */
export const heartbeat = { everyMs: 5_000, downAfterBeats: 3 }

/**
 * A process's heartbeat for the endpoints it consumes: one row per endpoint, its `last_seen` moved on by one
 * statement every beat; stopping says so at once. Beats that fail (the database restarting) are skipped, not fatal.
 */
export const startHeartbeats = (db: Database, instanceId: string, clock: () => Date, onError: (error: unknown) => void) => {
  const endpoints = new Set<string>()
  const beat = async () => {
    if (endpoints.size === 0) return
    await db.query(`update messaging.instances set last_seen = $2 where instance_id = $1 and endpoint = any($3::text[])`, [instanceId, clock(), [...endpoints]])
  }
  const timer = setInterval(() => void beat().catch(onError), heartbeat.everyMs)
  timer.unref()
  return {
    async started(endpoint: string, queues: readonly string[]) {
      endpoints.add(endpoint)
      const now = clock()
      await db.query(
        `insert into messaging.instances (instance_id, endpoint, queues, started_at, last_seen) values ($1, $2, $3, $4, $4)
         on conflict (instance_id, endpoint) do update set last_seen = excluded.last_seen, queues = excluded.queues, stopped_at = null`, [instanceId, endpoint, queues, now])
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
  readonly status: 'up' | 'down' | 'stopped'
  readonly startedAt: Date
  readonly lastSeen: Date
}

/** Every endpoint with its instances, as their heartbeats say; those stopped or down for a day are left out. */
export const endpointInstances = async (db: Database, now: Date): Promise<Map<string, EndpointInstance[]>> => {
  const { rows } = await db.query<{ endpoint: string; instanceId: string; startedAt: Date; lastSeen: Date; stoppedAt: Date | null }>(
    `select endpoint, instance_id as "instanceId", started_at as "startedAt", last_seen as "lastSeen", stopped_at as "stoppedAt"
     from messaging.instances where last_seen > $1 order by endpoint, started_at`, [new Date(now.getTime() - 86_400_000)])
  const byEndpoint = new Map<string, EndpointInstance[]>()
  for (const row of rows) {
    const silentMs = now.getTime() - new Date(row.lastSeen).getTime()
    const status = row.stoppedAt ? 'stopped' : silentMs > heartbeat.everyMs * heartbeat.downAfterBeats ? 'down' : 'up'
    byEndpoint.set(row.endpoint, [...(byEndpoint.get(row.endpoint) ?? []), { instanceId: row.instanceId, status, startedAt: new Date(row.startedAt), lastSeen: new Date(row.lastSeen) }])
  }
  return byEndpoint
}
