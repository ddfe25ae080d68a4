import type { Sql } from '../../messaging/sql.ts'
import { evolveVip, initialVipState, type VipEvent, type VipState } from './vip.decider.ts'

export interface LoadedVip {
  readonly accountId: string
  readonly state: VipState
  readonly version: number
}

/** A person's membership, rebuilt from its stream. */
export const loadVip = async (sql: Sql, accountId: string): Promise<LoadedVip> => {
  const { rows } = await sql.query<{ type: VipEvent['type']; data: never; version: number }>(
    'select type, data, version from accounts.vip_events where account_id = $1 order by version', [accountId])
  return {
    accountId,
    state: rows.reduce((state, row) => evolveVip(state, { type: row.type, data: row.data } as VipEvent), initialVipState()),
    version: rows.at(-1)?.version ?? 0,
  }
}

/** Appends after the version decided on: a decision made meanwhile makes the primary key refuse this one. */
export const appendToVip = async (sql: Sql, vip: LoadedVip, events: readonly VipEvent[], at: Date) => {
  if (events.length === 0) return
  await sql.query(
    `insert into accounts.vip_events (account_id, version, type, data, at)
     select $1, v, t, d, $5 from unnest($2::int[], $3::text[], $4::jsonb[]) as e(v, t, d)`,
    [vip.accountId, events.map((_, i) => vip.version + i + 1), events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), at])
}
