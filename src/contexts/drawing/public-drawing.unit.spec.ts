import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { publicDrawing } from './public-drawing.ts'
import type { DrawingRow } from './queries.ts'

const open: DrawingRow = {
  showtimeId: 'got-finale-breda-1', movieId: 'got-finale', movieTitle: 'GoT', theaterName: 'Breda', startsAt: new Date('2026-12-01T20:00:00Z'),
  capacity: 360, drawingAt: new Date('2026-11-28T11:00:00Z'), drawAt: new Date('2026-11-28T11:02:00Z'), commitment: 'c'.repeat(64),
  algorithm: 'popcorn-draw-v1', status: 'open', seed: null, heldAt: null, winners: null, seatsAwarded: null, entries: 12,
}

describe('a drawing as published', () => {
  test('open until the drawing date, then closed until the draw (the grace period), then drawn', () => {
    assert.equal(publicDrawing(open, new Date('2026-11-28T10:59:59Z')).status, 'open')
    assert.equal(publicDrawing(open, new Date('2026-11-28T11:00:00Z')).status, 'closed')
    assert.equal(publicDrawing(open, new Date('2026-11-28T11:05:00Z')).status, 'closed')
    const drawn = { ...open, status: 'drawn' as const, seed: 'a'.repeat(64), heldAt: new Date('2026-11-28T11:02:01Z'), winners: 3, seatsAwarded: 5 }
    assert.deepEqual(publicDrawing(drawn, new Date('2026-11-28T11:03:00Z')), {
      showtimeId: 'got-finale-breda-1', movieTitle: 'GoT', theaterName: 'Breda', startsAt: '2026-12-01T20:00:00.000Z', capacity: 360,
      status: 'drawn', entriesCloseAt: '2026-11-28T11:00:00.000Z', drawAt: '2026-11-28T11:02:00.000Z', entries: 12,
      algorithm: 'popcorn-draw-v1', commitment: 'c'.repeat(64), commitmentIs: 'sha256 of the seed as written (64 lower-case hex characters)',
      seed: 'a'.repeat(64), heldAt: '2026-11-28T11:02:01.000Z', winners: 3, seatsAwarded: 5,
      links: { page: '/drawings/got-finale-breda-1', entries: '/api/drawings/got-finale-breda-1/entries', result: '/api/drawings/got-finale-breda-1/result' },
    })
  })
})
