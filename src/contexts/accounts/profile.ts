import type { Database, Sql } from '../../messaging/sql.ts'
import type { AccountEvent } from './account.decider.ts'

/** An account as the rest of the site shows it. */
export interface Profile {
  readonly accountId: string
  readonly email: string
  readonly displayName: string
  readonly verified: boolean
  readonly memberSince: Date
  /** The last event of the account's stream this profile has taken in. */
  readonly version: number
}

interface StoredEvent {
  readonly type: AccountEvent['type']
  readonly data: Record<string, unknown>
  readonly version: number
  readonly at: Date
}

/** A profile moved on by events of its stream (those after its version); one projection for the shared view and the person's own. */
export const foldProfile = (accountId: string, base: Profile | undefined, events: readonly StoredEvent[]): Profile | undefined =>
  events.reduce<Profile | undefined>((profile, event) => {
    if (profile && event.version <= profile.version) return profile
    switch (event.type) {
      case 'AccountRegistered':
        return { accountId, email: String(event.data.email), displayName: '', verified: false, memberSince: new Date(event.at), version: event.version }
      case 'EmailVerified':
      case 'PasswordReset':
        return profile && { ...profile, verified: true, version: event.version }
      case 'ProfileChanged':
        return profile && { ...profile, displayName: String(event.data.displayName), version: event.version }
      default:
        return profile && { ...profile, version: event.version }
    }
  }, base)

const profileColumns = `account_id as "accountId", email, display_name as "displayName", verified, member_since as "memberSince", version`

const sharedProfile = async (sql: Sql, accountId: string): Promise<Profile | undefined> =>
  (await sql.query<Profile>(`select ${profileColumns} from accounts.profiles where account_id = $1`, [accountId])).rows[0]

const eventsAfter = async (sql: Sql, accountId: string, after: number, upTo?: number): Promise<StoredEvent[]> =>
  (await sql.query<StoredEvent>(
    `select type, data, version, at from accounts.events where account_id = $1 and version > $2 and ($3::int is null or version <= $3) order by version`,
    [accountId, after, upTo ?? null])).rows

/**
 * The shared view takes in the account's events up to `version` (the write that asked for it). Idempotent and
 * indifferent to order: a request that comes late, after a later one folded further, changes nothing.
 */
export const projectAccount = async (sql: Sql, accountId: string, version: number, now: Date) => {
  const shared = await sharedProfile(sql, accountId)
  const events = await eventsAfter(sql, accountId, shared?.version ?? 0, version)
  const next = foldProfile(accountId, shared, events)
  if (!next || next.version === shared?.version) return
  await sql.query(
    `insert into accounts.profiles (account_id, email, display_name, verified, member_since, version, projected_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (account_id) do update set email = excluded.email, display_name = excluded.display_name, verified = excluded.verified,
       version = excluded.version, projected_at = excluded.projected_at
     where accounts.profiles.version < excluded.version`,
    [accountId, next.email, next.displayName, next.verified, next.memberSince, next.version, now])
}

/**
 * The person's own view of their account: the shared profile with their own events after it projected now, in this
 * request (session consistency by projection): they see what they just did although the shared view lags. `waiting`
 * says how many of their writes the rest of the site does not show yet.
 */
export const ownProfile = async (db: Database, accountId: string): Promise<{ profile: Profile | undefined; waiting: number }> => {
  const shared = await sharedProfile(db, accountId)
  const events = await eventsAfter(db, accountId, shared?.version ?? 0)
  return { profile: foldProfile(accountId, shared, events), waiting: events.length }
}

/** The shared view, newest accounts first, as staff and everyone else see it. */
export const sharedProfiles = async (db: Database, limit = 50): Promise<Profile[]> =>
  (await db.query<Profile>(`select ${profileColumns} from accounts.profiles order by member_since desc limit $1`, [limit])).rows

/** How far the shared view is behind the streams: events not taken in yet, and how old the oldest is. */
export const profileLag = async (db: Database, now: Date): Promise<{ events: number; oldestMs: number }> => {
  const { rows } = await db.query<{ events: number; oldest: Date | null }>(
    `select count(*)::int as events, min(e.at) as oldest from accounts.events e left join accounts.profiles p using (account_id)
     where e.version > coalesce(p.version, 0)`)
  const oldest = rows[0]?.oldest
  return { events: rows[0]?.events ?? 0, oldestMs: oldest ? Math.max(0, now.getTime() - new Date(oldest).getTime()) : 0 }
}
