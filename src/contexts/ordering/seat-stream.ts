import type { Sql } from '../../messaging/sql.ts'
import { evolve, initialState, seatDelta, type SeatEvent, type ShowtimeState } from './showtime.decider.ts'

const snapshotEvery = 50

export interface LoadedShowtime {
  readonly state: ShowtimeState
  readonly version: number
}

/** Another writer appended first. The handler's transaction rolls back and the message is retried. */
export class StreamConflictError extends Error {
  constructor(showtimeId: string, expectedVersion: number) {
    super(`showtime ${showtimeId} moved past version ${expectedVersion} while deciding; retrying`)
  }
}

export const loadShowtime = async (sql: Sql, showtimeId: string): Promise<LoadedShowtime> => {
  const snapshot = (await sql.query<{ version: number; state: ShowtimeState }>(
    'select version, state from ordering.seat_snapshots where showtime_id = $1 order by version desc limit 1', [showtimeId])).rows[0]
  const events = (await sql.query<{ type: SeatEvent['type']; data: never }>(
    'select type, data from ordering.seat_events where showtime_id = $1 and version > $2 order by version', [showtimeId, snapshot?.version ?? 0])).rows
  return {
    state: (events as SeatEvent[]).reduce(evolve, snapshot?.state ?? initialState()),
    version: (snapshot?.version ?? 0) + events.length,
  }
}

/** Appends after `loaded.version`, or fails with StreamConflictError if someone else did. Returns the new state. */
export const appendToShowtime = async (
  sql: Sql,
  showtimeId: string,
  loaded: LoadedShowtime,
  events: readonly SeatEvent[],
  meta: { readonly recordedAt: Date; readonly causedBy: string },
): Promise<LoadedShowtime> => {
  if (events.length === 0) return loaded
  await appendBatch(sql, [{ showtimeId, from: loaded, events: events.map((event) => ({ event, causedBy: meta.causedBy })) }], meta.recordedAt)
  return { state: events.reduce(evolve, loaded.state), version: loaded.version + events.length }
}

/** A stream's head as last appended: its version and the message that caused that last event. */
interface Head extends LoadedShowtime {
  readonly causedBy: string | null
}

/**
 * The showtimes a partition's writer decides, kept in memory between batches. Each batch checks every cached stream
 * against the database's head (version and the last event's cause, one query for all of them): a batch that rolled
 * back, another writer that took the partition over, or another database in the same process all show as a
 * different head, and that showtime is read again. So the cache saves the reading, never the checking.
 */
export const createSeatCache = (limit = 10_000) => {
  const heads = new Map<string, Head>()
  return {
    async load(sql: Sql, showtimeIds: readonly string[]): Promise<Map<string, LoadedShowtime>> {
      const cached = showtimeIds.filter((id) => heads.has(id))
      const current = cached.length === 0 ? [] : (await sql.query<{ showtimeId: string; version: number; causedBy: string | null }>(
        `select s.id as "showtimeId", e.version, e.caused_by::text as "causedBy" from unnest($1::text[]) as s(id)
         cross join lateral (select version, caused_by from ordering.seat_events where showtime_id = s.id order by version desc limit 1) as e`,
        [cached])).rows
      const fresh = new Map(current.map((row) => [row.showtimeId, row]))
      const loaded = new Map<string, LoadedShowtime>()
      for (const id of showtimeIds) {
        const head = heads.get(id)
        const now = fresh.get(id)
        if (head && now && head.version === now.version && head.causedBy === now.causedBy) loaded.set(id, head)
        else loaded.set(id, await loadShowtime(sql, id))
      }
      return loaded
    },
    /** After appending: what the next batch expects to find. Wrong if the batch then rolls back — the check sees that. */
    remember(showtimeId: string, loaded: LoadedShowtime, causedBy: string | null) {
      if (heads.size >= limit && !heads.has(showtimeId)) heads.clear()
      heads.set(showtimeId, { ...loaded, causedBy })
    },
  }
}

export type SeatCache = ReturnType<typeof createSeatCache>

export interface Appended {
  readonly showtimeId: string
  /** The stream before the batch; the events follow it in order. */
  readonly from: LoadedShowtime
  readonly events: readonly { readonly event: SeatEvent; readonly causedBy: string }[]
}

/**
 * Appends a batch's events of several showtimes in one statement, each stream after its expected version (a
 * StreamConflictError when another writer got there first), with a snapshot where a stream passes a multiple of 50.
 */
export const appendBatch = async (sql: Sql, appended: readonly Appended[], recordedAt: Date): Promise<void> => {
  const rows = appended.flatMap(({ showtimeId, from, events }) => events.map(({ event, causedBy }, i) => ({
    showtimeId, version: from.version + 1 + i, type: event.type, delta: seatDelta(event), data: event.data, causedBy,
  })))
  if (rows.length === 0) return
  try {
    // One JSON document: JSON.stringify is native, where array parameters are escaped element by element.
    await sql.query(
      `insert into ordering.seat_events (showtime_id, version, type, delta, data, recorded_at, caused_by)
       select e."showtimeId", e.version, e.type, e.delta, e.data, $2, e."causedBy"
       from json_to_recordset($1::json) as e("showtimeId" text, version int, type text, delta int, data jsonb, "causedBy" uuid)`,
      [JSON.stringify(rows), recordedAt],
    )
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new StreamConflictError(appended.map((a) => a.showtimeId).join(', '), appended[0]?.from.version ?? 0)
    throw error
  }
  for (const { showtimeId, from, events } of appended) {
    const version = from.version + events.length
    if (Math.floor(version / snapshotEvery) > Math.floor(from.version / snapshotEvery)) {
      const state = events.map((e) => e.event).reduce(evolve, from.state)
      await sql.query('insert into ordering.seat_snapshots (showtime_id, version, state) values ($1, $2, $3)', [showtimeId, version, JSON.stringify(state)])
    }
  }
}
