import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { drawingEntryEmail } from './drawing-entry.email.ts'

const entry = {
  orderId: '5d1f0c2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f',
  showtimeId: 'got-finale-tuschinski',
  tickets: 2,
  email: 'bo@example.com',
  drawingAt: '2019-05-19T08:00:00.000Z',
  movieTitle: 'Game of Thrones: The Iron Throne',
  theaterName: 'Tuschinski',
  startsAt: '2019-05-20T01:00:00.000Z',
}

describe('the drawing entry e-mail', () => {
  test('names the movie, the theater and the showing, and when the drawing is, never an internal id, without a QR code', () => {
    const email = drawingEntryEmail(entry)
    assert.equal(email.kind, 'drawing-entry')
    assert.equal(email.subject, "You're in the drawing for Game of Thrones: The Iron Throne, drawn on Sunday, 19 May 2019")
    assert.match(email.text, /2 tickets for Game of Thrones: The Iron Throne at Tuschinski, Monday, 20 May 2019 at 03:00 is in/)
    for (const part of [email.subject, email.text, email.html]) assert.doesNotMatch(part, /got-finale-tuschinski/)
    assert.match(email.text, /Sunday, 19 May 2019 at 10:00 \(Amsterdam time\)/)
    assert.ok(email.html.includes('Sunday, 19 May 2019 at 10:00'))
    assert.doesNotMatch(email.html, /<img/)
  })

  test('an entry announced before the showing was carried says "the drawing", not an id', () => {
    const { movieTitle: _, theaterName: __, startsAt: ___, ...bare } = entry
    const email = drawingEntryEmail(bare)
    assert.equal(email.subject, "You're in the drawing, drawn on Sunday, 19 May 2019")
    assert.doesNotMatch(email.text + email.html, /got-finale-tuschinski/)
  })

  test('user text is escaped in the HTML', () => {
    const email = drawingEntryEmail({ ...entry, email: '"<b>x</b>"@example.com', movieTitle: '<i>late</i>' })
    assert.ok(email.html.includes('&quot;&lt;b&gt;x&lt;/b&gt;&quot;@example.com'))
    assert.ok(email.html.includes('&lt;i&gt;late&lt;/i&gt;'))
    assert.doesNotMatch(email.html, /<b>|<i>/)
  })
})
