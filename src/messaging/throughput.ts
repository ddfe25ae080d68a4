import { endpointOfQueueSql } from './partitions.ts'
import type { Sql } from './sql.ts'

/**
 * Messages handled in each of the last `seconds` whole seconds (oldest first; the running second left out) by the
 * queues whose name starts with `queuePrefix` — `ordering.p` is every partition of ordering. Read from the inbox,
 * which the pipeline writes in the handler's transaction whatever the transport, so every process sees the same.
 */
export const handledPerSecond = async (sql: Sql, queuePrefix: string, seconds: number, options: { busiestQueue?: boolean } = {}): Promise<number[]> => {
  // busiestQueue: each second's count is that of the one queue that handled most then, not the sum over all of them.
  const { rows } = await sql.query<{ ago: number; handled: number }>(
    `with now as (select date_trunc('second', now()) as second),
     per_queue as (
       select extract(epoch from (now.second - date_trunc('second', handled_at)))::int as ago, queue, count(*)::int as handled
       from messaging.inbox, now
       where handled_at >= now.second - make_interval(secs => $2) and handled_at < now.second and starts_with(queue, $1)
       group by 1, 2)
     select ago, (case when $3 then max(handled) else sum(handled) end)::int as handled from per_queue group by ago`,
    [queuePrefix, seconds, options.busiestQueue === true],
  )
  const counts = Array.from({ length: seconds }, () => 0)
  for (const { ago, handled } of rows) if (ago >= 1 && ago <= seconds) counts[seconds - ago] = handled
  return counts
}

/**
 * How long the messages the queues with `queuePrefix` handled in the last whole second had waited, from being sent
 * to being handled: the 90th percentile, in milliseconds; null when they handled none. A writer that keeps up hands
 * its messages over within a batch or two; one that falls behind makes them wait longer every second.
 */
export const waitedLastSecond = async (sql: Sql, queuePrefix: string): Promise<number | null> => {
  const { rows } = await sql.query<{ ms: number | null }>(
    `with now as (select date_trunc('second', now()) as second)
     select (percentile_cont(0.9) within group (order by extract(epoch from (handled_at - sent_at)) * 1000))::float8 as ms
     from messaging.inbox, now
     where handled_at >= now.second - interval '1 second' and handled_at < now.second and starts_with(queue, $1) and sent_at is not null`,
    [queuePrefix],
  )
  const ms = rows[0]?.ms
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms))
}

/** One endpoint's last minutes, from the inbox (what every process handled) and the error queue. */
export interface EndpointStats {
  /** Messages handled in each of the last whole seconds, oldest first. */
  readonly handledPerSecond: number[]
  /** Critical time (sent → handled) of each second's messages, 99th percentile in ms; null for a second with none. */
  readonly criticalP99PerSecond: (number | null)[]
  /** Over the whole window: critical time's median and 99th percentile, in ms (null: nothing handled). */
  readonly criticalMs: { readonly p50: number | null; readonly p99: number | null }
  /** Messages that went to the error queue in the window. */
  readonly failed: number
}

const endpointOfQueue = endpointOfQueueSql()

/**
 * Per endpoint (a partitioned one's partitions together): what it handled, how long its messages waited, what failed,
 * over the last `seconds` whole seconds before `now`. A web node's own queue keeps its inbox in memory: not here.
 */
export const endpointStats = async (sql: Sql, now: Date, seconds: number): Promise<Map<string, EndpointStats>> => {
  const params = [now, seconds]
  const [perSecond, overall, failed] = await Promise.all([
    sql.query<{ endpoint: string; ago: number; handled: number; p99: number | null }>(
      `with w as (select date_trunc('second', $1::timestamptz) as second)
       select ${endpointOfQueue} as endpoint, extract(epoch from (w.second - date_trunc('second', handled_at)))::int as ago, count(*)::int as handled,
         (percentile_cont(0.99) within group (order by extract(epoch from (handled_at - sent_at)) * 1000))::float8 as p99
       from messaging.inbox, w where handled_at >= w.second - make_interval(secs => $2) and handled_at < w.second group by 1, 2`, params),
    sql.query<{ endpoint: string; p50: number | null; p99: number | null }>(
      `with w as (select date_trunc('second', $1::timestamptz) as second)
       select ${endpointOfQueue} as endpoint,
         (percentile_cont(0.5) within group (order by extract(epoch from (handled_at - sent_at)) * 1000))::float8 as p50,
         (percentile_cont(0.99) within group (order by extract(epoch from (handled_at - sent_at)) * 1000))::float8 as p99
       from messaging.inbox, w where handled_at >= w.second - make_interval(secs => $2) and handled_at < w.second group by 1`, params),
    sql.query<{ endpoint: string; failed: number }>(
      `select ${endpointOfQueue} as endpoint, count(*)::int as failed from messaging.failed_messages
       where failed_at >= $1::timestamptz - make_interval(secs => $2) group by 1`, params),
  ])
  const stats = new Map<string, { handledPerSecond: number[]; criticalP99PerSecond: (number | null)[]; criticalMs: { p50: number | null; p99: number | null }; failed: number }>()
  const of = (endpoint: string) => {
    let entry = stats.get(endpoint)
    if (!entry) stats.set(endpoint, entry = { handledPerSecond: Array(seconds).fill(0), criticalP99PerSecond: Array(seconds).fill(null), criticalMs: { p50: null, p99: null }, failed: 0 })
    return entry
  }
  const ms = (value: number | null) => (value === null ? null : Math.max(0, Math.round(Number(value))))
  for (const row of perSecond.rows) {
    if (row.ago < 1 || row.ago > seconds) continue
    of(row.endpoint).handledPerSecond[seconds - row.ago] = row.handled
    of(row.endpoint).criticalP99PerSecond[seconds - row.ago] = ms(row.p99)
  }
  for (const row of overall.rows) of(row.endpoint).criticalMs = { p50: ms(row.p50), p99: ms(row.p99) }
  for (const row of failed.rows) of(row.endpoint).failed = row.failed
  return stats
}
