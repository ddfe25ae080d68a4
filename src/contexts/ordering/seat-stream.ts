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
  const rows = events.map((event, i) => [showtimeId, loaded.version + 1 + i, event.type, seatDelta(event), JSON.stringify(event.data), meta.recordedAt, meta.causedBy])
  const placeholders = rows.map((_, r) => `(${Array.from({ length: 7 }, (_, c) => `$${r * 7 + c + 1}`).join(', ')})`).join(', ')
  try {
    await sql.query(`insert into ordering.seat_events (showtime_id, version, type, delta, data, recorded_at, caused_by) values ${placeholders}`, rows.flat())
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new StreamConflictError(showtimeId, loaded.version)
    throw error
  }
  const next = { state: events.reduce(evolve, loaded.state), version: loaded.version + events.length }
  if (Math.floor(next.version / snapshotEvery) > Math.floor(loaded.version / snapshotEvery)) {
    await sql.query('insert into ordering.seat_snapshots (showtime_id, version, state) values ($1, $2, $3)', [showtimeId, next.version, JSON.stringify(next.state)])
  }
  return next
}
