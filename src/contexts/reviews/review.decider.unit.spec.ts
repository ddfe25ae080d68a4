import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ReviewCommand, type ReviewEvent, type ReviewRefusal, decide, evolve, initialState } from './review.decider.ts'

/** given(movieListed, events).when(command).then(events) — or .refused(why), or .nothing() */
const given = (movieListed: boolean, events: ReviewEvent[] = []) => ({
  when: (command: ReviewCommand) => {
    const decision = decide(command, events.reduce(evolve, initialState(movieListed)))
    return {
      then: (expected: ReviewEvent[]) => assert.deepEqual(decision, { events: expected }),
      refused: (reviewId: string, reason: ReviewRefusal) => assert.deepEqual(decision, { events: [{ type: 'ReviewRefused', data: { reviewId, reason } }] }),
      nothing: () => assert.deepEqual(decision, { events: [] }),
    }
  },
})

const writtenAt = new Date(Date.UTC(2026, 11, 3, 20)).toISOString()
const draft = (reviewId: string, text = 'Loud, long, glorious.', stars = 4) => ({ reviewId, stars, text, writtenAt })
const write = (reviewId: string, text?: string, stars?: number): ReviewCommand => ({ type: 'WriteReview', data: draft(reviewId, text, stars) })
const written = (reviewId: string, text?: string, stars?: number): ReviewEvent => ({ type: 'ReviewWritten', data: draft(reviewId, text, stars) })
const refused = (reviewId: string, reason: ReviewRefusal): ReviewEvent => ({ type: 'ReviewRefused', data: { reviewId, reason } })

describe('a review', () => {
  test('of a listed movie is written', () => given(true).when(write('r1')).then([written('r1')]))

  test('is stored trimmed', () => given(true).when(write('r1', '  Sand.  ')).then([written('r1', 'Sand.')]))

  test('sent twice is written once', () => given(true, [written('r1')]).when(write('r1')).nothing())

  test('a second one of the same movie by the same person is a duplicate', () =>
    given(true, [written('r1')]).when(write('r2', 'Changed my mind.')).refused('r2', 'duplicate'))

  test('of only spaces is refused as empty', () => given(true).when(write('r1', '   \n ')).refused('r1', 'empty'))

  test('past 2,000 characters is refused as too long', () => given(true).when(write('r1', 'x'.repeat(2_001))).refused('r1', 'too-long'))

  test('of exactly 2,000 characters is written', () => given(true).when(write('r1', 'x'.repeat(2_000))).then([written('r1', 'x'.repeat(2_000))]))

  test('of a movie reviews do not know is refused', () => given(false).when(write('r1')).refused('r1', 'unknown-movie'))

  test('once refused stays refused when sent again, and does not stop a good one', () => {
    given(true, [refused('r1', 'empty')]).when(write('r1', 'Now with words.')).nothing()
    given(true, [refused('r1', 'empty')]).when(write('r2')).then([written('r2')])
  })
})
