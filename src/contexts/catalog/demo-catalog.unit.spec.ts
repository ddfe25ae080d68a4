import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { amsterdamTime, demoCatalog } from './demo-catalog.ts'

describe('the demo catalog', () => {
  test('has the same unique ids whatever the day it is seeded', () => {
    const ids = (today: string) => demoCatalog(new Date(today)).showtimes.map((s) => s.id)
    const monday = ids('2030-01-07T08:00:00Z')
    assert.deepEqual(ids('2030-06-20T22:30:00Z'), monday)
    assert.equal(new Set(monday).size, monday.length)
    assert.ok(monday.every((id) => id.length <= 80 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)))
    assert.ok(monday.includes('got-finale-rotterdam-kuip-1'))
  })

  test('lays showtimes out in Amsterdam wall-clock time, across daylight saving changes', () => {
    assert.equal(amsterdamTime(new Date('2030-01-07T08:00:00Z'), 1, '19:30').toISOString(), '2030-01-08T18:30:00.000Z')
    assert.equal(amsterdamTime(new Date('2030-07-07T08:00:00Z'), 1, '21:45').toISOString(), '2030-07-08T19:45:00.000Z')
    // 31 March 2030 is the spring change; late on 30 March UTC is already the 31st in Amsterdam.
    assert.equal(amsterdamTime(new Date('2030-03-30T12:00:00Z'), 1, '10:30').toISOString(), '2030-03-31T08:30:00.000Z')
    assert.equal(amsterdamTime(new Date('2030-03-30T23:30:00Z'), 0, '19:30').toISOString(), '2030-03-31T17:30:00.000Z')
  })

  test('every showtime is after the day it is seeded, and each drawing before its showing', () => {
    const today = new Date('2030-10-20T21:00:00Z')
    const { showtimes } = demoCatalog(today)
    assert.ok(showtimes.every((s) => s.startsAt > today))
    assert.ok(showtimes.filter((s) => s.drawingAt).every((s) => s.drawingAt! > today && s.drawingAt! < s.startsAt))
    assert.equal(showtimes.filter((s) => s.movieId === 'got-finale').length, 19)
  })
})
