import type { MessageSession } from '../../messaging/session.ts'
import type { Sql } from '../../messaging/sql.ts'
import { projectionDue } from '../../messaging/switches.ts'
import { type CatalogChange, type CatalogCommand, type CatalogRefusal, type CatalogView, decide, evolve } from './catalog.decider.ts'
import { CapacityAdded, MovieAdded, ProjectCatalog, ShowtimeScheduled } from './messages.ts'
import type { Movie, Showtime, Theater } from './model.ts'
import { scheduled, seedLock } from './seed.ts'

/**
 * The catalog's write side: an admin's change is decided against the shared tables plus every change they have not
 * taken in yet, recorded in `catalog.changes`, announced to the rest of the system at once (ordering opens a new
 * showing's seats, the drawing opens its draw), and taken into the shared tables by ProjectCatalog — late on purpose
 * under ops' projection delay. The admin's own pages fold their own pending changes in (read-your-own-writes).
 */

/** An admin account's id, or `admin` for whoever has the site's admin password. */
export type ChangeAuthor = string

interface StoredChange {
  readonly id: string
  readonly kind: CatalogChange['kind']
  readonly data: never
  readonly madeBy: string
  readonly madeAt: Date
}

const asChange = (row: StoredChange) => ({ kind: row.kind, data: row.data }) as CatalogChange

/**
 * The shared tables as they stand (every showing still to come; the past ones change no more) and the changes they
 * have not taken in yet (everyone's, or one author's), read by one statement: one snapshot, so that a change taken in
 * meanwhile is seen either pending or in the tables, never in neither nor in both.
 */
const snapshot = async (sql: Sql, now: Date, author?: ChangeAuthor): Promise<{ shared: CatalogView; pending: StoredChange[] }> => {
  const { rows } = await sql.query<{ movies: Movie[] | null; theaters: Theater[] | null; showtimes: (Omit<Showtime, 'startsAt' | 'drawingAt'> & { startsAt: string; drawingAt: string | null })[] | null; pending: StoredChange[] | null }>(
    `select
       (select json_agg(json_build_object('id', id, 'title', title, 'year', year, 'runtimeMinutes', runtime_minutes, 'synopsis', synopsis, 'rating', rating)) from catalog.movies) as movies,
       (select json_agg(json_build_object('id', id, 'name', name, 'city', city, 'address', address)) from catalog.theaters) as theaters,
       (select json_agg(json_build_object('id', id, 'movieId', movie_id, 'theaterId', theater_id, 'screen', screen, 'startsAt', starts_at, 'capacity', capacity,
          'priceCents', price_cents, 'ticketType', ticket_type, 'policy', policy, 'drawingAt', drawing_at, 'ticketsPerBuyer', tickets_per_buyer))
        from catalog.showtimes where starts_at > $1) as showtimes,
       (select json_agg(json_build_object('id', id, 'kind', kind, 'data', data, 'madeBy', made_by, 'madeAt', made_at) order by made_at, id)
        from catalog.changes where projected_at is null and ($2::text is null or made_by = $2)) as pending`,
    [now, author ?? null])
  const row = rows[0]!
  return {
    shared: {
      movies: new Map((row.movies ?? []).map((m) => [m.id, m])),
      theaters: new Map((row.theaters ?? []).map((t) => [t.id, t])),
      showtimes: new Map((row.showtimes ?? []).map((s) => [s.id, { ...s, startsAt: new Date(s.startsAt), drawingAt: s.drawingAt === null ? null : new Date(s.drawingAt) }])),
    },
    pending: row.pending ?? [],
  }
}

export interface OwnCatalog {
  readonly view: CatalogView
  /** What of it only its author sees so far: ids of movies and showings, and showings with seats added. */
  readonly pending: ReadonlySet<string>
}

/**
 * The catalog as one admin sees it: the shared tables with their own changes not taken in yet folded on top, in this
 * request, for them alone (everyone else's pages read the shared tables).
 */
export const ownCatalog = async (sql: Sql, author: ChangeAuthor, now: Date): Promise<OwnCatalog> => {
  const { shared, pending: own } = await snapshot(sql, now, author)
  const changes = own.map(asChange)
  const pending = new Set(changes.map((c) => (c.kind === 'capacity-added' ? c.data.showtimeId : c.data.id)))
  return { view: changes.reduce(evolve, shared), pending }
}

export type ChangeOutcome = { readonly ok: true; readonly change: CatalogChange; readonly again: boolean } | { readonly ok: false; readonly refused: CatalogRefusal }

/**
 * Decides and records one change, with what it tells the rest of the system, in one transaction. Changes are rare and
 * made by few: one at a time (a lock), so that two admins cannot schedule the same screen at the same time. A change
 * id seen before answers what it did then.
 */
export const changeCatalog = (session: MessageSession, command: CatalogCommand, author: ChangeAuthor, now: Date): Promise<ChangeOutcome> =>
  session.transaction(async (tx, out) => {
    await tx.query('select pg_advisory_xact_lock($1)', [seedLock])
    const before = (await tx.query<StoredChange>('select id, kind, data from catalog.changes where id = $1', [command.data.changeId])).rows[0]
    if (before) return { ok: true as const, change: asChange(before), again: true }
    const { shared, pending } = await snapshot(tx, now)
    const view = pending.map(asChange).reduce(evolve, shared)
    const decision = decide(command, view)
    if ('refused' in decision) return { ok: false as const, refused: decision.refused }
    const { change } = decision
    await tx.query('insert into catalog.changes (id, kind, data, made_by, made_at) values ($1, $2, $3, $4, $5)',
      [command.data.changeId, change.kind, JSON.stringify(change.data), author, now])
    if (change.kind === 'showtime-scheduled') {
      const showtime = evolve(view, change).showtimes.get(change.data.id)!
      out.publish(ShowtimeScheduled, scheduled(showtime, view.movies.get(showtime.movieId)!, view.theaters.get(showtime.theaterId)!))
    }
    if (change.kind === 'movie-added') out.publish(MovieAdded, { movieId: change.data.id, title: change.data.title, year: change.data.year })
    if (change.kind === 'capacity-added') out.publish(CapacityAdded, { ...change.data, changeId: command.data.changeId })
    const deliverAt = await projectionDue(tx, now, session)
    out.send(ProjectCatalog, { changeId: command.data.changeId }, { ...(deliverAt && { deliverAt }) })
    return { ok: true as const, change, again: false }
  })

/**
 * The shared tables take in a change, with every change made before it that they have not yet (a showing needs its
 * movie). Idempotent: a change is taken in once, in the transaction that marks it so.
 */
export const projectChange = async (tx: Sql, changeId: string, now: Date) => {
  await tx.query('select pg_advisory_xact_lock($1)', [seedLock])
  const { rows } = await tx.query<StoredChange>(
    `select id, kind, data from catalog.changes
     where projected_at is null and made_at <= (select made_at from catalog.changes where id = $1) order by made_at, id`, [changeId])
  for (const row of rows) await applyChange(tx, asChange(row))
  if (rows.length) await tx.query('update catalog.changes set projected_at = $2 where id = any($1::uuid[])', [rows.map((r) => r.id), now])
}

const applyChange = async (tx: Sql, change: CatalogChange) => {
  switch (change.kind) {
    case 'movie-added': {
      const m = change.data
      await tx.query(`insert into catalog.movies (id, title, year, runtime_minutes, synopsis, rating) values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing`,
        [m.id, m.title, m.year, m.runtimeMinutes, m.synopsis, m.rating])
      return
    }
    case 'showtime-scheduled': {
      const s = change.data
      await tx.query(
        `insert into catalog.showtimes (id, movie_id, theater_id, screen, starts_at, capacity, price_cents, ticket_type, policy, drawing_at, tickets_per_buyer)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (id) do nothing`,
        [s.id, s.movieId, s.theaterId, s.screen, s.startsAt, s.capacity, s.priceCents, s.ticketType, s.policy, s.drawingAt, s.ticketsPerBuyer])
      return
    }
    case 'capacity-added':
      await tx.query('update catalog.showtimes set capacity = capacity + $2 where id = $1', [change.data.showtimeId, change.data.seats])
      return
  }
}

/** How far the public pages are behind the admins' changes: how many are not in yet, and how old the oldest is. */
export const catalogLag = async (sql: Sql, now: Date): Promise<{ changes: number; oldestMs: number }> => {
  const { rows } = await sql.query<{ changes: number; oldest: Date | null }>(
    'select count(*)::int as changes, min(made_at) as oldest from catalog.changes where projected_at is null')
  const oldest = rows[0]?.oldest
  return { changes: rows[0]?.changes ?? 0, oldestMs: oldest ? Math.max(0, now.getTime() - new Date(oldest).getTime()) : 0 }
}
