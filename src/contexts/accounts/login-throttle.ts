import type { Sql } from '../../messaging/sql.ts'

/**
 * Failed logins slow down guessing: per account (whatever address tries it) and per client address (whatever accounts
 * it tries), counted in the database so that every web node sees the same count. A success clears its account's count.
 */
export const throttle = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const

export const throttleKeys = (emailKey: string, address: string | undefined) => ({
  account: `account:${emailKey}`,
  ...(address && { address: `address:${address}` }),
})

type Keys = ReturnType<typeof throttleKeys>

/** Whole minutes until a login may be tried again, or undefined when it may be tried now. */
export const loginBlockedFor = async (sql: Sql, keys: Keys, now: Date): Promise<number | undefined> => {
  const since = new Date(now.getTime() - throttle.windowMs)
  const { rows } = await sql.query<{ key: string; failures: number; oldest: Date }>(
    `select key, count(*)::int as failures, min(at) as oldest from accounts.login_failures
     where key = any($1::text[]) and at > $2 group by key`, [Object.values(keys), since])
  const limitOf = (key: string) => (key === keys.account ? throttle.perAccount : throttle.perAddress)
  const blocked = rows.filter((row) => row.failures >= limitOf(row.key))
  if (blocked.length === 0) return undefined
  const freeAt = Math.max(...blocked.map((row) => new Date(row.oldest).getTime() + throttle.windowMs))
  return Math.max(1, Math.ceil((freeAt - now.getTime()) / 60_000))
}

export const recordLoginFailure = async (sql: Sql, keys: Keys, now: Date) => {
  const all = Object.values(keys)
  await sql.query('delete from accounts.login_failures where key = any($1::text[]) and at <= $2', [all, new Date(now.getTime() - throttle.windowMs)])
  await sql.query('insert into accounts.login_failures (key, at) select unnest($1::text[]), $2', [all, now])
}

export const clearLoginFailures = (sql: Sql, keys: Keys) =>
  sql.query('delete from accounts.login_failures where key = $1', [keys.account])
