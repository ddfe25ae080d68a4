import type { Sql } from './sql.ts'

/** A timeout a saga requested that has not fired yet: in the outbox (RabbitMQ) or the database queue until it is handled. */
export interface PendingTimeout {
  readonly messageId: string
  /** The timeout's name, as the saga requested it ("draw"); null when its body cannot be read. */
  readonly name: string | null
  readonly dueAt: string
  /** The saga's queue, where it waits (the database queue) or is relayed to when due (RabbitMQ's outbox). */
  readonly queue: string
}

/** A running saga (one that completed is deleted) with its state and what it still waits for. */
export interface SagaInstance {
  readonly saga: string
  readonly correlationId: string
  readonly state: unknown
  readonly version: number
  readonly startedAt: string
  readonly updatedAt: string
  readonly pendingTimeouts: readonly PendingTimeout[]
}

export interface SagaRow {
  readonly saga: string
  readonly correlation_id: string
  readonly state: unknown
  readonly version: number
  readonly started_at: Date | string
  readonly updated_at: Date | string
}

export const iso = (at: Date | string) => new Date(at).toISOString()

export const sagaColumns = 'saga, correlation_id, state, version, started_at, updated_at'

/**
 * The timeouts waiting, of both places they wait in, as rows of (message_id, headers, body, due_at, queue). Neither
 * table has an index for this, on purpose: both hold only what is not yet relayed or handled, and an index would cost
 * every message sent; a scan of them is an ops click's cost, not the hot path's.
 */
const waitingTimeouts = `
  select o.message_id::text as message_id, o.headers, o.body, o.deliver_at as due_at, o.destination as queue
    from messaging.outbox o where o.headers->>'intent' = 'timeout'
  union all
  select q.message_id::text, q.headers, q.body, q.visible_at, q.queue
    from messaging.queue q where q.headers->>'intent' = 'timeout'`

const timeoutName = (body: string): string | null => {
  try {
    const name = (JSON.parse(body) as { name?: unknown }).name
    return typeof name === 'string' ? name : null
  } catch {
    return null
  }
}

/** The pending timeouts of these sagas, each list by due time. */
export const pendingTimeoutsOf = async (sql: Sql, rows: readonly SagaRow[]): Promise<SagaInstance[]> => {
  if (rows.length === 0) return []
  const { rows: timeouts } = await sql.query<{ message_id: string; headers: Record<string, unknown>; body: string; due_at: Date | string; queue: string }>(
    `with wanted as (select * from unnest($1::text[], $2::text[]) as w(saga, id)), waiting as (${waitingTimeouts})
     select waiting.* from waiting join wanted on waiting.headers->>'sagaName' = wanted.saga and waiting.headers->>'sagaId' = wanted.id
     order by due_at, message_id`,
    [rows.map((r) => r.saga), rows.map((r) => r.correlation_id)],
  )
  const keyOf = (saga: unknown, id: unknown) => JSON.stringify([saga, id])
  const bySaga = new Map<string, PendingTimeout[]>()
  for (const t of timeouts) {
    const key = keyOf(t.headers.sagaName, t.headers.sagaId)
    bySaga.set(key, [...(bySaga.get(key) ?? []), { messageId: t.message_id, name: timeoutName(t.body), dueAt: iso(t.due_at), queue: t.queue }])
  }
  return rows.map((r) => ({
    saga: r.saga, correlationId: r.correlation_id, state: r.state, version: r.version, startedAt: iso(r.started_at), updatedAt: iso(r.updated_at),
    pendingTimeouts: bySaga.get(keyOf(r.saga, r.correlation_id)) ?? [],
  }))
}

export interface SagaSearch {
  readonly saga?: string
  /** Only those with a timeout still to fire. */
  readonly pendingTimeouts?: boolean
  readonly limit: number
  readonly offset: number
}

const matching = `
  with timed as (select distinct headers->>'sagaName' as saga, headers->>'sagaId' as id from (${waitingTimeouts}) waiting)
  select * from messaging.sagas s
  where ($1::text is null or s.saga = $1) and (not $2::boolean or (s.saga, s.correlation_id) in (select saga, id from timed))`

/** The running sagas, most recently changed first, with their pending timeouts; `total` counts every match. */
export const listSagas = async (sql: Sql, search: SagaSearch): Promise<{ total: number; sagas: SagaInstance[] }> => {
  const filters = [search.saga ?? null, search.pendingTimeouts ?? false]
  const [{ rows: [count] }, { rows }] = await Promise.all([
    sql.query<{ n: number }>(`select count(*)::int as n from (${matching}) m`, filters),
    sql.query<SagaRow>(`select ${sagaColumns} from (${matching}) m order by updated_at desc, saga, correlation_id limit $3 offset $4`, [...filters, search.limit, search.offset]),
  ])
  return { total: count?.n ?? 0, sagas: await pendingTimeoutsOf(sql, rows) }
}
