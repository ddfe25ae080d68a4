import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from '../../messaging/sql.ts'

/** A folder of `NNN_name.sql` files owned by one part of the system (the core, or a context). */
export interface MigrationSource {
  readonly owner: string
  readonly dir: string
}

export const coreMigrations: MigrationSource = {
  owner: 'messaging',
  dir: fileURLToPath(new URL('../../messaging/migrations', import.meta.url)),
}

/**
 * Applies each pending migration in its own transaction, in file order per owner. An advisory lock keeps two
 * processes starting together on one PostgreSQL from applying the same file twice.
 */
export const migrate = async (db: Database, sources: readonly MigrationSource[]): Promise<string[]> => {
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7402001)')
    await tx.query(`create table if not exists public.popcorn_migrations (
      owner text not null, name text not null, applied_at timestamptz not null default now(), primary key (owner, name))`)
    for (const source of sources) {
      const done = new Set(
        (await tx.query<{ name: string }>('select name from public.popcorn_migrations where owner = $1', [source.owner])).rows.map((r) => r.name),
      )
      for (const name of readdirSync(source.dir).filter((f) => f.endsWith('.sql')).sort()) {
        if (done.has(name)) continue
        await tx.exec(readFileSync(join(source.dir, name), 'utf8'))
        await tx.query('insert into public.popcorn_migrations (owner, name) values ($1, $2)', [source.owner, name])
        applied.push(`${source.owner}/${name}`)
      }
    }
  })
  return applied
}
