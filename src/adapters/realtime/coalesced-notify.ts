import type pg from 'pg'

/** The statement the Socket.IO PostgreSQL adapter sends for each event it carries to the other web processes. */
const NOTIFY = 'SELECT pg_notify($1, $2)'
/** Most notifications sent in one statement. */
const maxPerStatement = 500

interface Pending {
  readonly channel: string
  readonly payload: string
  readonly settle: (error?: unknown) => void
}

/**
 * The adapter's pool, except that the notifications asked for in one turn of the event loop go out in one statement,
 * in the order asked. The adapter sends one per event to a room (a browser session's): a batch of a hundred decided
 * orders was a hundred round trips to PostgreSQL, each a write to its socket, the web node's largest single cost in
 * a flash sale. Everything else the adapter does with its pool (LISTEN, attachments, clean-up) passes through.
 */
export const coalescingNotifies = (pool: pg.Pool): pg.Pool => {
  let pending: Pending[] = []

  const send = (batch: readonly Pending[]) =>
    pool.query('select pg_notify(n.channel, n.payload) from unnest($1::text[], $2::text[]) as n(channel, payload)',
      [batch.map((p) => p.channel), batch.map((p) => p.payload)])
      .then(() => { for (const p of batch) p.settle() }, (error: unknown) => { for (const p of batch) p.settle(error) })

  const flush = () => {
    const taken = pending
    pending = []
    for (let from = 0; from < taken.length; from += maxPerStatement) void send(taken.slice(from, from + maxPerStatement))
  }

  const notify = (channel: string, payload: string) => new Promise<void>((resolve, reject) => {
    if (pending.length === 0) setImmediate(flush)
    pending.push({ channel, payload, settle: (error) => (error === undefined ? resolve() : reject(error)) })
  })

  return new Proxy(pool, {
    get(target, property) {
      if (property === 'query') {
        return (text: unknown, params?: unknown[]) =>
          text === NOTIFY && Array.isArray(params) && params.length === 2
            ? notify(String(params[0]), String(params[1]))
            : (target.query as (text: unknown, params?: unknown[]) => Promise<unknown>)(text, params)
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
