import DataLoader from 'dataloader'
import type { Database } from '../../messaging/sql.ts'

/**
 * Point reads by key, gathered: the keys asked for within `gatherMs` (the web node's group-commit window) go out as
 * one query, and each asker gets its own row (DataLoader, without its cache: every answer is read after it was
 * asked for). In a burst every buyer's order or waiting-room place is looked up once or twice; one query for all
 * the lookups of a few milliseconds is what keeps those reads from filling the database's queue.
 * `read` answers the rows it found by `keyOf`; a key with no row is answered undefined. Outside transactions only.
 */
export const gatheredLookup = <K, V>(keyOf: (key: K) => string, read: (db: Database, keys: readonly K[]) => Promise<ReadonlyMap<string, V>>) => {
  const loaders = new WeakMap<Database, Map<number, DataLoader<K, V | undefined>>>()
  const loaderOf = (db: Database, gatherMs: number) => {
    let ofDb = loaders.get(db)
    if (!ofDb) loaders.set(db, (ofDb = new Map()))
    let loader = ofDb.get(gatherMs)
    if (!loader) {
      loader = new DataLoader<K, V | undefined>(async (keys) => {
        const found = await read(db, keys)
        return keys.map((key) => found.get(keyOf(key)))
      }, { cache: false, maxBatchSize: 500, ...(gatherMs > 0 && { batchScheduleFn: (callback: () => void) => void setTimeout(callback, gatherMs) }) })
      ofDb.set(gatherMs, loader)
    }
    return loader
  }
  return (db: Database, key: K, gatherMs = 0): Promise<V | undefined> => loaderOf(db, gatherMs).load(key)
}
