import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { notDrawnEmail } from './not-drawn.email.ts'

const entry = {
  orderId: '5d1f0c2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f',
  showtimeId: 'got-finale-breda-1',
  email: 'bo@example.com',
  movieTitle: 'Game of Thrones: The Iron Throne',
  theaterName: 'Breda',
  startsAt: '2019-05-19T19:00:00.000Z',
  reason: 'not-drawn' as const,
  entryId: 'ab'.repeat(32),
}

describe('the "not this time" e-mail', () => {
  test('not drawn: says so kindly, where and when, links the drawing page with its seed, and names the entry in the list', () => {
    const email = notDrawnEmail(entry)
    assert.equal(email.kind, 'not-drawn')
    assert.equal(email.to, 'bo@example.com')
    assert.equal(email.orderId, entry.orderId)
    assert.equal(email.subject, 'Not this time: the drawing for Game of Thrones: The Iron Throne')
    for (const fact of ['Breda', 'Sunday, 19 May 2019 at 21:00', 'went to other entries', 'ab'.repeat(32)]) {
      assert.ok(email.text.includes(fact), `text has ${fact}`)
      assert.ok(email.html.includes(fact), `html has ${fact}`)
    }
    assert.match(email.text, /\/drawings\/got-finale-breda-1/)
    assert.match(email.html, /<a href="\/drawings\/got-finale-breda-1">/)
    assert.doesNotMatch(email.html, /<img/)
  })

  test('after the draw, and already entered: each says which, and neither claims an entry in the list', () => {
    const late = notDrawnEmail({ ...entry, reason: 'after-the-draw', entryId: undefined })
    assert.match(late.subject, /too late/)
    assert.match(late.text, /after the seats had been drawn/)
    assert.doesNotMatch(late.text, /listed there/)
    const twice = notDrawnEmail({ ...entry, reason: 'already-entered', entryId: undefined })
    assert.equal(twice.subject, 'You are already in the drawing for Game of Thrones: The Iron Throne')
    assert.match(twice.text, /one entry per person/)
    assert.match(twice.html, /your first one is still in the drawing/)
  })

  test('user text is escaped in the HTML, and the subject stays one line', () => {
    const email = notDrawnEmail({ ...entry, movieTitle: '<script>x</script>\r\nBcc: all', theaterName: '<img src=x>' })
    assert.ok(email.html.includes('&lt;script&gt;x&lt;/script&gt;'))
    assert.ok(email.html.includes('&lt;img src=x&gt;'))
    assert.doesNotMatch(email.html, /<script|<img src=x/)
    assert.equal(email.subject, 'Not this time: the drawing for <script>x</script> Bcc: all')
  })
})
