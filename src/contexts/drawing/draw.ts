import { createHmac } from 'node:crypto'

/**
 * The draw, as published (docs/drawing.md): a pure function of the seed, the entries and the seats, so anyone can
 * re-run it from what the drawing page publishes and get the same winners.
 */

/** Published with every drawing: a change to anything below is a new version, never a silent one. */
export const drawAlgorithm = 'popcorn-draw-v1'

export interface DrawEntry {
  /** The entry's public id (sha256 of its order id: see entry-id.ts). */
  readonly id: string
  readonly tickets: number
}

export interface DrawResult {
  /** In award order. */
  readonly winners: readonly DrawEntry[]
  readonly seatsAwarded: number
}

const seedPattern = /^[0-9a-f]{64}$/

/**
 * Unsigned 32-bit integers from the seed: block n is HMAC-SHA256(key = the seed's 32 bytes, message = n as 8 bytes
 * big-endian), n = 0, 1, 2, …, and each block gives eight integers, read big-endian in order.
 */
export const randomStream = (seed: string): (() => number) => {
  if (!seedPattern.test(seed)) throw new RangeError('a seed is 64 lower-case hex characters (32 bytes)')
  const key = Buffer.from(seed, 'hex')
  let counter = 0n
  let block = Buffer.alloc(0)
  let offset = 0
  return () => {
    if (offset === block.length) {
      const message = Buffer.alloc(8)
      message.writeBigUInt64BE(counter++)
      block = createHmac('sha256', key).update(message).digest()
      offset = 0
    }
    const value = block.readUInt32BE(offset)
    offset += 4
    return value
  }
}

const range = 2 ** 32

/** A uniform integer in [0, n): values from the top, uneven slice of the range are drawn again (a bare modulo favours low numbers). */
export const uniformBelow = (next: () => number, n: number): number => {
  if (!Number.isInteger(n) || n < 1 || n > range) throw new RangeError(`cannot draw below ${n}`)
  const limit = range - (range % n)
  for (;;) {
    const value = next()
    if (value < limit) return value % n
  }
}

// Code-unit order, never locale order: the same on every machine.
const byId = (a: DrawEntry, b: DrawEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const checked = (entries: readonly DrawEntry[], capacity: number) => {
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number of seats, got ${capacity}`)
  const ids = new Set<string>()
  for (const { id, tickets } of entries) {
    if (ids.has(id)) throw new RangeError(`entry ${id} appears twice`)
    if (!Number.isInteger(tickets) || tickets < 1) throw new RangeError(`entry ${id} asks for ${tickets} tickets`)
    ids.add(id)
  }
}

/**
 * 1. Sort the entries by id. 2. Shuffle them with Fisher–Yates (i from the last index down to 1, swap i with a
 * uniform j in [0, i]) driven by the seed's stream. 3. Walk the shuffled list and award each entry its tickets if
 * they still fit in the seats left; an entry that does not fit is passed over, and the walk goes on.
 */
export const draw = (input: { readonly seed: string; readonly entries: readonly DrawEntry[]; readonly capacity: number }): DrawResult => {
  checked(input.entries, input.capacity)
  const next = randomStream(input.seed)
  const order = [...input.entries].sort(byId)
  for (let i = order.length - 1; i > 0; i--) {
    const j = uniformBelow(next, i + 1)
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  let seatsLeft = input.capacity
  const winners: DrawEntry[] = []
  for (const entry of order) {
    if (entry.tickets > seatsLeft) continue
    winners.push(entry)
    seatsLeft -= entry.tickets
  }
  return { winners, seatsAwarded: input.capacity - seatsLeft }
}
