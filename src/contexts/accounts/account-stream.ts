import type { Sql } from '../../messaging/sql.ts'
import { type AccountEvent, type AccountState, evolve, initialState } from './account.decider.ts'

export interface LoadedAccount {
  readonly accountId: string
  readonly state: AccountState
  readonly version: number
}

/** An account's state, rebuilt from its stream; a new account has version 0. */
export const loadAccount = async (sql: Sql, accountId: string): Promise<LoadedAccount> => {
  const { rows } = await sql.query<{ type: AccountEvent['type']; data: never; version: number }>(
    'select type, data, version from accounts.events where account_id = $1 order by version', [accountId])
  return {
    accountId,
    state: rows.reduce((state, row) => evolve(state, { type: row.type, data: row.data } as AccountEvent), initialState()),
    version: rows.at(-1)?.version ?? 0,
  }
}

/**
 * Appends after the version the decision was made on: a command decided meanwhile on the same account makes the
 * primary key refuse this one (optimistic concurrency), and the transaction with it.
 */
export const appendToAccount = async (sql: Sql, account: LoadedAccount, events: readonly AccountEvent[], at: Date) => {
  if (events.length === 0) return
  await sql.query(
    `insert into accounts.events (account_id, version, type, data, at)
     select $1, v, t, d, $5 from unnest($2::int[], $3::text[], $4::jsonb[]) as e(v, t, d)`,
    [account.accountId, events.map((_, i) => account.version + i + 1), events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), at])
}

export const emailKey = (email: string) => email.trim().toLowerCase()

/** The account an address belongs to. */
export const accountIdOfEmail = async (sql: Sql, email: string): Promise<string | undefined> =>
  (await sql.query<{ accountId: string }>('select account_id as "accountId" from accounts.emails where email_key = $1', [emailKey(email)])).rows[0]?.accountId

/** Claims an address for a new account; false when another account has it (now, or committed meanwhile). */
export const claimEmail = async (sql: Sql, email: string, accountId: string): Promise<boolean> =>
  (await sql.query('insert into accounts.emails (email_key, account_id) values ($1, $2) on conflict do nothing', [emailKey(email), accountId])).rowCount === 1

export const recordLink = (sql: Sql, tokenHash: string, accountId: string) =>
  sql.query('insert into accounts.links (token_hash, account_id) values ($1, $2) on conflict do nothing', [tokenHash, accountId])

export const accountIdOfLink = async (sql: Sql, tokenHash: string): Promise<string | undefined> =>
  (await sql.query<{ accountId: string }>('select account_id as "accountId" from accounts.links where token_hash = $1', [tokenHash])).rows[0]?.accountId
