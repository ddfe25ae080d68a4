import type { Database, Sql } from './sql.ts'

/**
 * Switches ops turns while the system runs, shared by every process on the database. Read often (each write of a
 * shared projection asks one), so each process keeps what it read for a second: a switch takes effect everywhere
 * within a second of being turned.
 */
export const switches = {
  /** Milliseconds a write waits before the shared read models take it in (0: off). The writer sees theirs at once. */
  projectionDelayMs: { name: 'projection-delay-ms', off: 0, max: 10 * 60_000 },
  /** Milliseconds the dev payment provider takes to answer a charge (0: at once). */
  paymentDelayMs: { name: 'payment-delay-ms', off: 0, max: 10 * 60_000 },
  /** 1: the dev payment provider declines every charge; 0: it answers as the card asks. */
  paymentsFailing: { name: 'payments-failing', off: 0, max: 1 },
} as const

type Switch = (typeof switches)[keyof typeof switches]

const freshForMs = 1_000
const cached = new WeakMap<object, Map<string, { value: number; at: number }>>()

/**
 * A switch's value, read through `sql` (the caller's transaction where it holds one: PGlite has one connection) and
 * kept for a second under `cacheAs` (the database; a transaction of its own reads afresh).
 */
export const readSwitch = async (sql: Sql, which: Switch, now = Date.now(), cacheAs: object = sql): Promise<number> => {
  const known = cached.get(cacheAs)?.get(which.name)
  if (known && now - known.at < freshForMs) return known.value
  const { rows } = await sql.query<{ value: number }>('select value from messaging.switches where name = $1', [which.name])
  const value = typeof rows[0]?.value === 'number' ? rows[0].value : which.off
  const forDb = cached.get(cacheAs) ?? new Map()
  cached.set(cacheAs, forDb.set(which.name, { value, at: now }))
  return value
}

export const setSwitch = async (db: Database, which: Switch, value: number, at: Date) => {
  if (!Number.isInteger(value) || value < which.off || value > which.max) throw new RangeError(`${which.name} is a whole number from ${which.off} to ${which.max}`)
  await db.query(`insert into messaging.switches (name, value, changed_at) values ($1, $2, $3)
    on conflict (name) do update set value = excluded.value, changed_at = excluded.changed_at`, [which.name, JSON.stringify(value), at])
  cached.delete(db)
}

/**
 * When a shared read model may take in a write made now: at once (undefined), or once ops' projection delay has
 * passed — sent with this as its `deliverAt`, so that everyone but the writer sees the old state meanwhile.
 */
export const projectionDue = async (sql: Sql, now: Date, cacheAs: object = sql): Promise<Date | undefined> => {
  const delay = await readSwitch(sql, switches.projectionDelayMs, now.getTime(), cacheAs)
  return delay > 0 ? new Date(now.getTime() + delay) : undefined
}
