import type { Database } from '../../messaging/sql.ts'
import { openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'

/** `postgres://…` opens PostgreSQL; anything else is a PGlite data directory (or `memory://`). */
export const openDatabase = (url: string): Promise<Database> =>
  /^postgres(ql)?:\/\//.test(url) ? openPostgres(url) : openPglite(url.replace(/^pglite:/, ''))
