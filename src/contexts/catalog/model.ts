import type { OversellingPolicy, TicketType } from './messages.ts'

/** What the catalog holds: plain readonly records, as its tables store them. */

export interface Movie {
  readonly id: string
  readonly title: string
  readonly year: number
  readonly runtimeMinutes: number
  readonly synopsis: string
  /** Kijkwijzer age rating: AL (all ages), 6, 9, 12, 14, 16 or 18. */
  readonly rating: string
}

export interface Theater {
  readonly id: string
  readonly name: string
  readonly city: string
  readonly address: string
}

export interface Showtime {
  readonly id: string
  readonly movieId: string
  readonly theaterId: string
  readonly screen: string
  readonly startsAt: Date
  readonly capacity: number
  readonly priceCents: number
  readonly ticketType: TicketType
  readonly policy: OversellingPolicy
  readonly drawingAt: Date | null
  /** How many tickets one buyer (one e-mail address, one browser) may hold for this showing. */
  readonly ticketsPerBuyer: number
}

/** A showtime as the pages show it: with the names of what it joins. */
export interface ShowtimeListing extends Showtime {
  readonly movieTitle: string
  readonly theaterName: string
}
