/**
 * Reads of one row that overlap share one query. In a burst thousands of requests ask for the same showing or the
 * same waiting room within milliseconds, and most of them would wait in the database's queue for the same answer:
 * the first one asks, and those arriving while its query is on its way take its answer. That answer may come from a
 * query that started a moment before a request arrived — no older than the wait in the queue it saves — and nothing
 * is kept once it is answered.
 *
 * `gatherMs` (the web node's group-commit window): the first asker waits that long for company before the query goes
 * out, so requests arriving together share it even when the database is idle and each query would finish before the
 * next request arrives: a few milliseconds more for each, a query for many.
 * Only for reads outside a transaction: a transaction's reads must see its own writes.
 */
const inFlight = new WeakMap<object, Map<string, Promise<unknown>>>()

const waitFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const sharedRead = <V>(owner: object, key: string, read: () => Promise<V>, gatherMs = 0): Promise<V> => {
  let ofOwner = inFlight.get(owner)
  if (!ofOwner) inFlight.set(owner, (ofOwner = new Map()))
  const known = ofOwner.get(key)
  if (known) return known as Promise<V>
  const reading = (gatherMs > 0 ? waitFor(gatherMs).then(read) : read()).finally(() => ofOwner.delete(key))
  ofOwner.set(key, reading)
  return reading
}
