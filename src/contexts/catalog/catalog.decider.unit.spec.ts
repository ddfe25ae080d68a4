import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type CatalogChange, type CatalogCommand, type CatalogRefusal, type CatalogView, decide, evolve, slugOf } from './catalog.decider.ts'

const now = '2026-12-04T12:00:00.000Z'
const empty: CatalogView = {
  movies: new Map(),
  theaters: new Map([['breda', { id: 'breda', name: 'Breda', city: 'Breda', address: 'Chasséveld 15' }]]),
  showtimes: new Map(),
}
const dune = { title: 'Dune', year: 2021, runtimeMinutes: 155, rating: '12', synopsis: '' }
const duneAdded: CatalogChange = { kind: 'movie-added', data: { id: 'dune', ...dune } }
const schedule = (overrides: Partial<Extract<CatalogCommand, { type: 'ScheduleShowtime' }>['data']> = {}): CatalogCommand => ({
  type: 'ScheduleShowtime',
  data: { changeId: '0f6a4c1e-3b7d-4e21-9a55-1c2d3e4f5a6b', now, movieId: 'dune', theaterId: 'breda', screen: 'Zaal 1', startsAt: '2026-12-10T19:00:00.000Z',
    capacity: 200, priceCents: 1250, ticketType: 'regular', policy: 'strict', drawingAt: null, ticketsPerBuyer: 10, ...overrides },
})
const scheduledDune: CatalogChange = { kind: 'showtime-scheduled', data: {
  id: 'dune-0f6a4c1e3b', movieId: 'dune', theaterId: 'breda', screen: 'Zaal 1', startsAt: '2026-12-10T19:00:00.000Z', capacity: 200, priceCents: 1250,
  ticketType: 'regular', policy: 'strict', drawingAt: null, ticketsPerBuyer: 10 } }

/** given(changes).when(command).then(change) — or .refused(why) */
const given = (changes: CatalogChange[]) => ({
  when: (command: CatalogCommand) => {
    const decision = decide(command, changes.reduce(evolve, empty))
    return {
      then: (expected: CatalogChange) => assert.deepEqual(decision, { change: expected }),
      refused: (why: CatalogRefusal) => assert.deepEqual(decision, { refused: why }),
    }
  },
})
const addMovie = (movie = dune): CatalogCommand => ({ type: 'AddMovie', data: { changeId: '1', now, ...movie } })
const addSeats = (showtimeId: string, at = now): CatalogCommand => ({ type: 'AddSeats', data: { changeId: '2', showtimeId, seats: 50, now: at } })

describe('the catalog', () => {
  test('a movie is added under its title’s slug; a second of that title gets its year, a third a number', () => {
    given([]).when(addMovie()).then(duneAdded)
    given([duneAdded]).when(addMovie()).then({ kind: 'movie-added', data: { id: 'dune-2021', ...dune } })
    given([duneAdded, { kind: 'movie-added', data: { id: 'dune-2021', ...dune } }]).when(addMovie()).then({ kind: 'movie-added', data: { id: 'dune-2021-2', ...dune } })
    assert.equal(slugOf('Amélie: Le Fabuleux Destin!'), 'amelie-le-fabuleux-destin')
    assert.equal(slugOf('???'), 'movie')
  })

  test('a showing is scheduled for a movie and theater it knows, in the future, on a free screen', () => {
    given([duneAdded]).when(schedule()).then(scheduledDune)
    given([]).when(schedule()).refused('unknown-movie')
    given([duneAdded]).when(schedule({ theaterId: 'atlantis' })).refused('unknown-theater')
    given([duneAdded]).when(schedule({ startsAt: now })).refused('in-the-past')
    given([duneAdded, scheduledDune]).when(schedule({ changeId: '9f6a4c1e-3b7d-4e21-9a55-1c2d3e4f5a6b' })).refused('screen-taken')
  })

  test('a drawing showing has a drawing date between now and the showing, and is free and strict', () => {
    given([duneAdded]).when(schedule({ ticketType: 'drawing' })).refused('drawing-date')
    given([duneAdded]).when(schedule({ drawingAt: '2026-12-08T19:00:00.000Z' })).refused('drawing-date')
    given([duneAdded]).when(schedule({ ticketType: 'drawing', drawingAt: '2026-12-11T19:00:00.000Z' })).refused('drawing-date')
    given([duneAdded]).when(schedule({ ticketType: 'drawing', drawingAt: '2026-12-08T19:00:00.000Z', policy: 'optimistic' })).then({ kind: 'showtime-scheduled',
      data: { ...scheduledDune.data as Extract<CatalogChange, { kind: 'showtime-scheduled' }>['data'], ticketType: 'drawing', drawingAt: '2026-12-08T19:00:00.000Z', priceCents: 0, policy: 'strict' } })
  })

  test('seats are added to a showing still to come, never to a drawing’s', () => {
    given([duneAdded, scheduledDune]).when(addSeats('dune-0f6a4c1e3b')).then({ kind: 'capacity-added', data: { showtimeId: 'dune-0f6a4c1e3b', seats: 50 } })
    given([duneAdded, scheduledDune]).when(addSeats('dune-0f6a4c1e3b', '2026-12-10T19:00:00.000Z')).refused('showtime-over')
    given([duneAdded]).when(addSeats('nope')).refused('unknown-showtime')
    const drawingShow: CatalogChange = { kind: 'showtime-scheduled', data: { ...scheduledDune.data as Extract<CatalogChange, { kind: 'showtime-scheduled' }>['data'], ticketType: 'drawing', drawingAt: '2026-12-08T19:00:00.000Z' } }
    given([duneAdded, drawingShow]).when(addSeats('dune-0f6a4c1e3b')).refused('drawing-capacity')
  })

  test('seats added are added to its capacity', () => {
    const view = [duneAdded, scheduledDune, { kind: 'capacity-added', data: { showtimeId: 'dune-0f6a4c1e3b', seats: 50 } } as CatalogChange].reduce(evolve, empty)
    assert.equal(view.showtimes.get('dune-0f6a4c1e3b')?.capacity, 250)
  })
})
