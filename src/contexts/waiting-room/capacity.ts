import type { Sql } from '../../messaging/sql.ts'
import type { RememberedCapacity } from './capacity.rules.ts'

type Stored = RememberedCapacity & { readonly version: number }

export const rememberedCapacity = async (sql: Sql): Promise<Stored> =>
  (await sql.query<Stored>(`select rate, measured_at as "at", version from waiting_room.capacity where id = 1`)).rows[0]!

/** Written over the version read: of two web nodes measuring at once, one writes (they measured the same inbox). */
export const saveCapacity = async (sql: Sql, before: Stored, after: RememberedCapacity): Promise<boolean> =>
  (await sql.query(`update waiting_room.capacity set rate = $2, measured_at = $3, version = version + 1 where id = 1 and version = $1`,
    [before.version, after.rate, after.at])).rowCount === 1
