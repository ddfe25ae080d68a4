import type { Movie, Showtime, Theater } from './model.ts'

/**
 * The original demo's catalog: the Game of Thrones finale as a free drawing on 19 screens one evening, Dune and
 * Top Gun: Maverick every evening, a few cheaper morning shows, six Dutch theaters. Ids never depend on the date;
 * times are laid out from the Amsterdam day of `today`, so a fresh seed is always in the future.
 */

export const movies: readonly Movie[] = [
  {
    id: 'got-finale', title: 'Game of Thrones: The Iron Throne', year: 2019, runtimeMinutes: 80, rating: '16',
    synopsis: 'The series finale on the big screen, for one night only. Entry is free: tickets go to the winners of a drawing among everyone who signs up before the drawing date.',
  },
  {
    id: 'dune', title: 'Dune', year: 2021, runtimeMinutes: 155, rating: '12',
    synopsis: 'Paul Atreides follows his family to Arrakis, the most dangerous planet in the universe and the only source of its most precious resource.',
  },
  {
    id: 'top-gun-maverick', title: 'Top Gun: Maverick', year: 2022, runtimeMinutes: 131, rating: '12',
    synopsis: 'After more than thirty years of service, Pete "Maverick" Mitchell is called back to train a detachment of graduates for a mission no living pilot has flown.',
  },
]

export const theaters: readonly Theater[] = [
  { id: 'rotterdam-kuip', name: 'Rotterdam – De Kuip', city: 'Rotterdam', address: 'Cor Kieboomplein 501, 3077 MK Rotterdam' },
  { id: 'rotterdam-schouwburgplein', name: 'Rotterdam – Schouwburgplein', city: 'Rotterdam', address: 'Schouwburgplein 101, 3012 CL Rotterdam' },
  { id: 'den-haag-spuimarkt', name: 'Den Haag – Spuimarkt', city: 'Den Haag', address: 'Spui 65, 2511 BL Den Haag' },
  { id: 'den-haag-scheveningen', name: 'Den Haag – Scheveningen', city: 'Den Haag', address: 'Kurhausweg 2, 2587 RT Den Haag' },
  { id: 'breda', name: 'Breda', city: 'Breda', address: 'Chasséveld 15, 4811 DH Breda' },
  { id: 'eindhoven', name: 'Eindhoven', city: 'Eindhoven', address: 'Stationsplein 6, 5611 AC Eindhoven' },
]

/** Seats per screen, largest first ("Zaal 1" is the biggest). */
const screens: Record<string, readonly number[]> = {
  'rotterdam-kuip': [450, 380, 300, 220, 160],
  'rotterdam-schouwburgplein': [420, 350, 260, 180, 120],
  'den-haag-spuimarkt': [400, 300, 210, 140],
  'den-haag-scheveningen': [320, 240, 150],
  'breda': [360, 280, 190, 130],
  'eindhoven': [440, 330, 250, 160],
}

/** How many of each theater's screens show the finale: 19 in all. */
const finaleScreens: Record<string, number> = {
  'rotterdam-kuip': 4, 'rotterdam-schouwburgplein': 4, 'den-haag-spuimarkt': 3, 'den-haag-scheveningen': 2, 'breda': 3, 'eindhoven': 3,
}

const regularCents = 1250
const morningCents = 850
const finaleDay = 10
const drawingDay = 7
const morningShows = [
  { movieId: 'top-gun-maverick', theaterId: 'rotterdam-kuip' },
  { movieId: 'top-gun-maverick', theaterId: 'den-haag-scheveningen' },
  { movieId: 'dune', theaterId: 'breda' },
  { movieId: 'dune', theaterId: 'eindhoven' },
]

/** The UTC instant of a wall-clock time in Amsterdam, `days` after the Amsterdam date of `today`. */
export const amsterdamTime = (today: Date, days: number, clock: string): Date => {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(today).split('-').map(Number)
  const [hour, minute] = clock.split(':').map(Number)
  const wall = Date.UTC(year!, month! - 1, day! + days, hour!, minute!)
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant)
    const part = (type: string) => Number(parts.find((p) => p.type === type)!.value)
    return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - instant
  }
  // Two rounds settle the offset on either side of a daylight-saving change.
  const first = wall - offsetAt(wall)
  return new Date(wall - offsetAt(first))
}

export const demoCatalog = (today: Date): { movies: readonly Movie[]; theaters: readonly Theater[]; showtimes: Showtime[] } => {
  const showtimes: Showtime[] = []
  const counters = new Map<string, number>()
  const add = (movieId: string, theaterId: string, screen: number, startsAt: Date, rest: Pick<Showtime, 'priceCents' | 'ticketType' | 'policy' | 'drawingAt'>) => {
    const key = `${movieId}-${theaterId}`
    const n = (counters.get(key) ?? 0) + 1
    counters.set(key, n)
    showtimes.push({ id: `${key}-${n}`, movieId, theaterId, screen: `Zaal ${screen + 1}`, startsAt, capacity: screens[theaterId]![screen]!, ticketsPerBuyer, ...rest })
  }

  for (const [index, { id: theaterId }] of theaters.entries()) {
    const [early, late] = index % 2 === 0 ? ['dune', 'top-gun-maverick'] : ['top-gun-maverick', 'dune']
    for (let day = 1; day <= 3; day++) {
      for (const show of morningShows) {
        if (day === 2 && show.theaterId === theaterId) {
          add(show.movieId, theaterId, 2, amsterdamTime(today, day, '10:30'), { priceCents: morningCents, ticketType: 'morning', policy: policyOf(show.movieId), drawingAt: null })
        }
      }
      add(early!, theaterId, 1, amsterdamTime(today, day, '19:30'), { priceCents: regularCents, ticketType: 'regular', policy: policyOf(early!), drawingAt: null })
      add(late!, theaterId, 2, amsterdamTime(today, day, '21:45'), { priceCents: regularCents, ticketType: 'regular', policy: policyOf(late!), drawingAt: null })
    }
    for (let screen = 0; screen < finaleScreens[theaterId]!; screen++) {
      add('got-finale', theaterId, screen, amsterdamTime(today, finaleDay, '21:00'), { priceCents: 0, ticketType: 'drawing', policy: 'strict', drawingAt: amsterdamTime(today, drawingDay, '12:00') })
    }
  }
  return { movies, theaters, showtimes }
}

/** One full order per person and showing: nobody, and no script, takes a showing alone. */
const ticketsPerBuyer = 10

/** Top Gun shows the optimistic policy (accept, reconcile, compensate); Dune never oversells. */
const policyOf = (movieId: string) => (movieId === 'top-gun-maverick' ? 'optimistic' : 'strict')
