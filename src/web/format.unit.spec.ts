import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { format, instantOfWallClock } from './format.ts'

describe('Amsterdam wall-clock time', () => {
  test('a datetime-local value names the instant it means in Amsterdam, winter and summer, and reads back the same', () => {
    assert.equal(instantOfWallClock('2026-12-10T20:00').toISOString(), '2026-12-10T19:00:00.000Z')
    assert.equal(instantOfWallClock('2026-07-01T12:30').toISOString(), '2026-07-01T10:30:00.000Z')
    for (const wallClock of ['2026-12-10T20:00', '2026-07-01T12:30', '2027-01-01T00:00']) assert.equal(format.wallClock(instantOfWallClock(wallClock)), wallClock)
  })

  test('the hour skipped in spring is taken as the hour after it', () =>
    assert.equal(format.wallClock(instantOfWallClock('2026-03-29T02:30')), '2026-03-29T03:30'))
})
