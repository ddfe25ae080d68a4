import { createHmac, randomBytes } from 'node:crypto'
import type { Database } from '../../messaging/sql.ts'

const stored = new WeakMap<Database, Map<string, Promise<string>>>()

/** The key named `name`, made once at random and kept in the database, so that every process signs alike. */
const storedSecret = (db: Database, name: string): Promise<string> => {
  const keys = stored.get(db) ?? new Map<string, Promise<string>>()
  stored.set(db, keys)
  let key = keys.get(name)
  if (!key) {
    key = (async () => {
      await db.query('insert into public.popcorn_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(48).toString('base64url')])
      const { rows } = await db.query<{ value: string }>('select value from public.popcorn_secrets where name = $1', [name])
      return rows[0]!.value
    })()
    key.catch(() => keys.delete(name)) // a database hiccup: ask again next time
    keys.set(name, key)
  }
  return key
}

/**
 * The key for one use (`browser-session`, `place-token`): from the configured secret (POPCORN_SECRET), a key of its
 * own per use, so that a value signed for one can never pass for the other; unset, one stored in the database.
 */
export const siteSecret = (db: Database, name: string, configured: string | undefined): Promise<string> =>
  configured ? Promise.resolve(createHmac('sha256', configured).update(`popcorn:${name}`).digest('base64url')) : storedSecret(db, name)
