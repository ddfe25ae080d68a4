import { format } from '../../web/format.ts'
import type { Movie, Showtime } from './model.ts'

/** Below this many seats left, a showing says how many. */
const fewSeats = 20

/** Words the catalog's pages use for its things; plain text, escaped by the templates like any other. */
export const labels = {
  /** `€12.50`, `Morning · €8.50`, `Free drawing` */
  price: (s: Pick<Showtime, 'ticketType' | 'priceCents'>) =>
    s.ticketType === 'drawing' ? 'Free drawing' : s.ticketType === 'morning' ? `Morning · ${format.money(s.priceCents)}` : format.money(s.priceCents),
  /** The price in a showtime's option of the order form, where room is short: `€12.50`, `€8.50 morning`, `Free`. */
  shortPrice: (s: Pick<Showtime, 'ticketType' | 'priceCents'>) =>
    s.ticketType === 'morning' ? `${format.money(s.priceCents)} morning` : format.money(s.priceCents),
  /**
   * How full a showing is, beside its time, from ordering's view (a moment old): `sold out`, `8 seats left` when few
   * are, nothing while there is room or when it is not known (a drawing).
   */
  seatsLeft: (left: number | undefined) =>
    left === undefined || left > fewSeats ? '' : left === 0 ? 'sold out' : `${left} seat${left === 1 ? '' : 's'} left`,
  /** Kijkwijzer: `AL` is all ages, a number is "from that age". */
  rating: (rating: string) => (rating === 'AL' ? 'All ages' : `${rating}+`),
  ratingLong: (rating: string) => (rating === 'AL' ? 'Suitable for all ages' : `Age ${rating} and up`),
  /** The letters on a movie's poster tile: `TG` for Top Gun: Maverick. */
  initials: (movie: Pick<Movie, 'title'>) => {
    const words = movie.title.split(/[\s:–-]+/).filter(Boolean)
    const significant = words.filter((w) => !/^(a|an|and|of|the|to|in|on)$/i.test(w))
    return (significant.length ? significant : words).slice(0, 2).map((w) => [...w][0]!.toUpperCase()).join('')
  },
  /** A stable colour per movie for its poster tile. */
  hue: (movie: Pick<Movie, 'id'>) => {
    let hash = 2166136261
    for (const c of movie.id) hash = Math.imul(hash ^ c.charCodeAt(0), 16777619)
    return (hash >>> 0) % 360
  },
}
