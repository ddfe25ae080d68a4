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
