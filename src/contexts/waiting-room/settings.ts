import type { Config } from '../../config.ts'
import { alwaysAvailable, type Availability } from '../../web/availability.ts'
import type { MessageSession } from '../../messaging/session.ts'
import type { Database, Sql } from '../../messaging/sql.ts'
import type { CapacitySettings } from './capacity.rules.ts'
import { placeTokens, type PlaceTokens } from './place-token.ts'
import type { RoomSettings } from './room.rules.ts'

export interface WaitingRoomSettings extends RoomSettings, CapacitySettings {
  readonly tickMs: number
  readonly joinsPerAddressPerMinute: number
  /** How many whole seconds of the workers' handled messages each measure looks at. */
  readonly measureSeconds: number
  /** How long a read of a room waits for company (the group-commit window): joins and orders arriving together share it. */
  readonly readWindowMs: number
}

export const settingsFrom = (config: Config): WaitingRoomSettings => ({
  admissionMs: config.POPCORN_WAITING_ROOM_ADMISSION_MINUTES * 60_000,
  calmMs: 30_000,
  maxAdvanceMs: 5_000,
  arrivalWindowMs: 2 * config.POPCORN_WAITING_ROOM_TICK_MS,
  arrivalsSmoothingMs: 1_000,
  floor: config.POPCORN_WAITING_ROOM_MIN_CAPACITY,
  targetWaitMs: config.POPCORN_WAITING_ROOM_TARGET_WAIT_MS,
  increasePerSecond: config.POPCORN_WAITING_ROOM_PROBE_PER_SECOND,
  decreasePerSecond: 0.5,
  halfLifeMs: 5 * 60_000,
  tickMs: config.POPCORN_WAITING_ROOM_TICK_MS,
  joinsPerAddressPerMinute: config.POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE,
  measureSeconds: 10,
  readWindowMs: config.POPCORN_GROUP_COMMIT_MS,
})

/** A place token lives long enough to wait through a long queue; joining again gives a fresh one for the same place. */
const tokenTtlMs = 6 * 3_600_000

/** What the waiting room's routes, sockets, ticker and gate work with. */
export interface RoomDeps {
  readonly db: Database
  /** Writes a join: in a transaction shared with the requests arriving with it (group commit) on a web node. */
  readonly commit: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>
  readonly settings: WaitingRoomSettings
  readonly tokens: PlaceTokens
  /** Which showings have no seat left: their rooms let everyone through, there is nothing to queue for. */
  readonly availability: Availability
  readonly clock: () => Date
}

export const roomDeps = (deps: { readonly db: Database; readonly config: Config; readonly session?: MessageSession; readonly availability?: Availability }): RoomDeps => ({
  db: deps.db,
  commit: (work) => (deps.session ? deps.session.grouped((tx) => work(tx)) : deps.db.transaction(work)),
  settings: settingsFrom(deps.config),
  tokens: placeTokens({ db: deps.db, secret: deps.config.POPCORN_SECRET, ttlMs: tokenTtlMs }),
  availability: deps.availability ?? alwaysAvailable,
  clock: () => new Date(),
})
