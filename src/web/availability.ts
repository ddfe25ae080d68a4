/**
 * The port from admission control (the waiting room) to ordering's view of its showtimes: which have no seat left,
 * as their writers last decided. A queue for a showing that is sold out only keeps people from hearing so.
 */
export interface Availability {
  /** Of these showtimes, those with no seat left (a drawing never is: its entries take no seats). */
  soldOut(showtimeIds: readonly string[]): Promise<ReadonlySet<string>>
}

/** Without ordering's view (tests of other contexts): every showing may still have seats. */
export const alwaysAvailable: Availability = { soldOut: async () => new Set() }
