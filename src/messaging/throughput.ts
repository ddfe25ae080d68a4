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
