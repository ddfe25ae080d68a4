/**
 * The port from the other contexts to ordering's view of its showtimes: which have no seat left, and how many are,
 * as their writers last decided. A queue for a showing that is sold out only keeps people from hearing so (the
 * waiting room); a movie page says which showings are nearly full or sold out (the catalog).
 */
export interface Availability {
  /** Of these showtimes, those with no seat left (a drawing never is: its entries take no seats). */
  soldOut(showtimeIds: readonly string[]): Promise<ReadonlySet<string>>
  /** Seats left in each of these showtimes as their writers last decided (a moment old; drawings left out). */
  seatsLeft(showtimeIds: readonly string[]): Promise<ReadonlyMap<string, number>>
}

/** Without ordering's view (tests of other contexts): every showing may still have seats, how many unknown. */
export const alwaysAvailable: Availability = { soldOut: async () => new Set(), seatsLeft: async () => new Map() }
