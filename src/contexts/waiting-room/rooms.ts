import { gatheredLookup } from '../../adapters/db/gathered-lookup.ts'
import { sharedRead } from '../../adapters/db/shared-read.ts'
import type { Database, Sql } from '../../messaging/sql.ts'
import { together } from '../../messaging/together.ts'
import type { Place, Room } from './room.rules.ts'

/** A room as stored: the version a change is written over, and the number of its place sequence. */
export type StoredRoom = Room & { readonly roomNo: number; readonly version: number }
export type RoomWithLast = StoredRoom & { readonly lastNumber: number }

const roomColumns = `r.showtime_id as "showtimeId", r.room_no as "roomNo", r.mode, r.fixed_rate as "fixedRate", r.active, r.rate, r.rate_ceiling as "rateCeiling",
  r.admitted_through as "admittedThrough", r.credit, r.number_at_tick as "numberAtTick", r.arrivals_per_second as "arrivalsPerSecond",
  r.calm_since as "calmSince", r.ticked_at as "tickedAt", r.version`
const lastNumber = `coalesce((select max(p.number) from waiting_room.places p where p.showtime_id = r.showtime_id), 0) as "lastNumber"`
const placeColumns = `showtime_id as "showtimeId", number, browser_session as "browserSession", joined_at as "joinedAt",
  through_at_join as "throughAtJoin", admitted_at as "admittedAt"`

export const roomOf = async (sql: Sql, showtimeId: string): Promise<StoredRoom | undefined> =>
  (await sql.query<StoredRoom>(`select ${roomColumns} from waiting_room.rooms r where r.showtime_id = $1`, [showtimeId])).rows[0]

/** A room as read outside a transaction; the joins and orders asking at the same moment share the read. */
export const sharedRoomOf = (db: Database, showtimeId: string, gatherMs = 0) =>
  sharedRead(db, `waiting-room.room ${showtimeId}`, () => roomOf(db, showtimeId), gatherMs)

export const roomWithLast = async (sql: Sql, showtimeId: string): Promise<RoomWithLast | undefined> =>
  (await sql.query<RoomWithLast>(`select ${roomColumns}, ${lastNumber} from waiting_room.rooms r where r.showtime_id = $1`, [showtimeId])).rows[0]

export const roomsWithLast = async (sql: Sql): Promise<RoomWithLast[]> =>
  (await sql.query<RoomWithLast>(`select ${roomColumns}, ${lastNumber} from waiting_room.rooms r order by r.showtime_id`)).rows

export const roomsByIds = async (sql: Sql, showtimeIds: readonly string[]): Promise<StoredRoom[]> =>
  (await sql.query<StoredRoom>(`select ${roomColumns} from waiting_room.rooms r where r.showtime_id = any($1::text[])`, [showtimeIds])).rows

/**
 * The room of a showtime, made on first use with its own sequence. Everyone asking at once shares one look and, when
 * there is no room yet, one making of it: the first burst of a flash sale finds no room, and thousands of joins each
 * making it (an insert that conflicts, then a read) queued 5,000 transactions behind the first. Two processes making
 * it at once: the second waits on the first's insert, finds the room there, and makes no sequence.
 */
export const openRoom = (db: Database, showtimeId: string, now: Date, gatherMs = 0): Promise<StoredRoom> =>
  sharedRead(db, `waiting-room.open ${showtimeId}`, async () => (await roomOf(db, showtimeId)) ?? makeRoom(db, showtimeId, now), gatherMs)

const makeRoom = async (db: Database, showtimeId: string, now: Date): Promise<StoredRoom> => {
  await db.transaction(async (tx) => {
    const made = await tx.query<{ roomNo: number }>(
      `insert into waiting_room.rooms (showtime_id, ticked_at) values ($1, $2) on conflict (showtime_id) do nothing returning room_no as "roomNo"`,
      [showtimeId, now])
    const roomNo = made.rows[0]?.roomNo
    if (roomNo !== undefined) await tx.query(`create sequence waiting_room.numbers_${Number(roomNo)} as integer`)
  })
  return (await roomOf(db, showtimeId))!
}

/** Writes a tick or an admin change over the version it was computed from; false when another node got there first. */
export const saveRoom = (db: Database, before: StoredRoom, after: Room, now: Date): Promise<boolean> =>
  db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `update waiting_room.rooms set mode = $3, fixed_rate = $4, active = $5, rate = $6, admitted_through = $7, credit = $8,
         number_at_tick = $9, arrivals_per_second = $10, calm_since = $11, ticked_at = $12, rate_ceiling = $13, version = version + 1
       where showtime_id = $1 and version = $2`,
      [before.showtimeId, before.version, after.mode, after.fixedRate, after.active, after.rate, after.admittedThrough, after.credit,
        after.numberAtTick, after.arrivalsPerSecond, after.calmSince, after.tickedAt, after.rateCeiling])
    if (rowCount !== 1) return false
    // Switching off lets in whoever still waits; otherwise the places just passed get their admission time.
    const from = before.active && !after.active ? 0 : before.admittedThrough
    if (after.admittedThrough > from) {
      await tx.query(
        `update waiting_room.places set admitted_at = $4 where showtime_id = $1 and number > $2 and number <= $3 and admitted_at is null`,
        [before.showtimeId, from, after.admittedThrough, now])
    }
    return true
  })

export const placeOfSession = async (sql: Sql, showtimeId: string, browserSession: string): Promise<Place | undefined> =>
  (await sql.query<Place>(`select ${placeColumns} from waiting_room.places where showtime_id = $1 and browser_session = $2`, [showtimeId, browserSession])).rows[0]

type SessionInRoom = { readonly showtimeId: string; readonly browserSession: string }
const sessionKey = ({ showtimeId, browserSession }: SessionInRoom) => `${showtimeId} ${browserSession.toLowerCase()}`

/** The places of sessions asked for outside a transaction within `gatherMs` of each other, read by one query. */
const placesOfSessions = gatheredLookup(sessionKey, async (db, sessions: readonly SessionInRoom[]) => {
  const { rows } = await db.query<Place>(
    `select ${placeColumns} from waiting_room.places p join unnest($1::text[], $2::uuid[]) as k(showtime_id, browser_session)
     using (showtime_id, browser_session)`,
    [sessions.map((s) => s.showtimeId), sessions.map((s) => s.browserSession)])
  return new Map(rows.map((place) => [sessionKey(place), place]))
})

export const sharedPlaceOfSession = (db: Database, showtimeId: string, browserSession: string, gatherMs = 0) =>
  placesOfSessions(db, { showtimeId, browserSession }, gatherMs)

type Joining = { readonly roomNo: number; readonly place: Omit<Place, 'number'> }

/**
 * The places of the joins of one group, in one statement: each session's place in its room, or (when it holds
 * none) a new one at the back, numbered in the order the joins came. A burst's joins were a round trip each, queued
 * one behind the other on the group's connection. A session that joins twice in one group gets one place, found by
 * both; undefined when another transaction took that session's place at the same moment (its number is then a gap
 * nobody holds, passed over like anyone else's).
 */
const heldOrNewPlaces = together(async (sql: Sql, joins: readonly Joining[]) => {
  const { rows } = await sql.query<Place & { isNew: boolean }>(
    `with joining as (
       select * from unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::int[], $5::timestamptz[], $6::int[]) with ordinality
         as j(showtime_id, browser_session, joined_at, through_at_join, admitted_at, room_no, ord)),
     held as (
       select ${placeColumns} from waiting_room.places
       where (showtime_id, browser_session) in (select j.showtime_id, j.browser_session from joining j)),
     taken as (
       insert into waiting_room.places (showtime_id, number, browser_session, joined_at, through_at_join, admitted_at)
       select j.showtime_id, nextval(('waiting_room.numbers_' || j.room_no)::regclass), j.browser_session, j.joined_at, j.through_at_join, j.admitted_at
       from joining j
       where not exists (select 1 from held h where h."showtimeId" = j.showtime_id and h."browserSession" = j.browser_session)
         and j.ord = (select min(k.ord) from joining k where k.showtime_id = j.showtime_id and k.browser_session = j.browser_session)
       order by j.ord
       on conflict do nothing returning ${placeColumns})
     select *, false as "isNew" from held union all select *, true from taken`,
    [joins.map((j) => j.place.showtimeId), joins.map((j) => j.place.browserSession), joins.map((j) => j.place.joinedAt),
      joins.map((j) => j.place.throughAtJoin), joins.map((j) => j.place.admittedAt), joins.map((j) => j.roomNo)])
  const found = new Map(rows.map(({ isNew, ...place }) => [sessionKey(place), { place, isNew }]))
  return joins.map((j) => found.get(sessionKey(j.place)))
})

/** The session's place in the room, or a new one at the back; joins of one group share one statement (see above). */
export const heldOrNewPlace = (sql: Sql, room: StoredRoom, place: Omit<Place, 'number'>): Promise<{ place: Place; isNew: boolean } | undefined> =>
  heldOrNewPlaces(sql, { roomNo: room.roomNo, place })

/** A place whose turn has passed goes to the back of the queue under a new number; its old token no longer fits. */
export const requeuePlace = async (sql: Sql, room: StoredRoom, old: Place, place: Pick<Place, 'joinedAt' | 'throughAtJoin' | 'admittedAt'>): Promise<Place | undefined> =>
  (await sql.query<Place>(
    `update waiting_room.places set number = nextval('waiting_room.numbers_${Number(room.roomNo)}'), joined_at = $4, through_at_join = $5, admitted_at = $6
     where showtime_id = $1 and browser_session = $2 and number = $3 returning ${placeColumns}`,
    [old.showtimeId, old.browserSession, old.number, place.joinedAt, place.throughAtJoin, place.admittedAt])).rows[0]

/**
 * When each of these places was let in, writing `now` for those the watermark passed whose time is not written
 * yet (the straggler `isAdmitted` speaks of, or a place taken while its room switched off).
 */
export const admissionTimes = async (sql: Sql, showtimeId: string, numbers: readonly number[], now: Date): Promise<Map<number, Date>> => {
  if (numbers.length === 0) return new Map()
  const { rows } = await sql.query<{ number: number; admittedAt: Date }>(
    `with written as (
       update waiting_room.places set admitted_at = $3 where showtime_id = $1 and number = any($2::int[]) and admitted_at is null
       returning number, admitted_at)
     select number, admitted_at as "admittedAt" from written
     union all
     select number, admitted_at from waiting_room.places where showtime_id = $1 and number = any($2::int[]) and admitted_at is not null`,
    [showtimeId, numbers, now])
  return new Map(rows.map((r) => [r.number, r.admittedAt]))
}

/** People waiting in every room, and people let through, for the metrics. */
export const peopleInRooms = async (sql: Sql) => {
  const { rows } = await sql.query<{ waiting: number; through: number }>(
    'select count(*) filter (where admitted_at is null)::int as waiting, count(*) filter (where admitted_at is not null)::int as through from waiting_room.places')
  return [{ labels: { state: 'waiting' }, value: rows[0]?.waiting ?? 0 }, { labels: { state: 'let-through' }, value: rows[0]?.through ?? 0 }]
}
