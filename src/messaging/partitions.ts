const encoder = new TextEncoder()

/** FNV-1a, 32 bits, over the UTF-8 bytes: the same number for the same text in every process and every version. */
export const fnv1a32 = (text: string): number => {
  let hash = 0x811c9dc5
  for (const byte of encoder.encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash
}

export const partitionOf = (key: string, count: number): number => fnv1a32(key) % count

export const partitionQueue = (owner: string, partition: number) => `${owner}.p${partition}`

/** The endpoint a queue belongs to: a partition's (`ordering.p3`) is its owner's (`ordering`). */
export const endpointOfQueue = (queue: string) => queue.replace(/\.p\d+$/, '')

/** The same in SQL, over a column holding queue names. */
export const endpointOfQueueSql = (column = 'queue') => `regexp_replace(${column}, '\\.p[0-9]+$', '')`

/** `${owner}.p0` … `${owner}.p${count - 1}`. */
export const partitionQueues = (owner: string, count: number): string[] =>
  Array.from({ length: count }, (_, partition) => partitionQueue(owner, partition))
