import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { drawingEntryEmail } from './drawing-entry.email.ts'

const entry = {
  orderId: '5d1f0c2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f',
  showtimeId: 'got-finale-tuschinski',
  tickets: 2,
  email: 'bo@example.com',
  drawingAt: '2019-05-19T08:00:00.000Z',
}

describe('the drawing entry e-mail', () => {
  test('names the showtime it has (its id) and when the drawing is, without a QR code', () => {
    const email = drawingEntryEmail(entry)
    assert.equal(email.kind, 'drawing-entry')
    assert.equal(email.subject, "You're in the drawing for showtime got-finale-tuschinski, drawn on Sunday, 19 May 2019")
    assert.match(email.text, /2 tickets for showtime got-finale-tuschinski/)
    assert.match(email.text, /Sunday, 19 May 2019 at 10:00 \(Amsterdam time\)/)
    assert.ok(email.html.includes('Sunday, 19 May 2019 at 10:00'))
    assert.doesNotMatch(email.html, /<img/)
  })

  test('user text is escaped in the HTML', () => {
    const email = drawingEntryEmail({ ...entry, email: '"<b>x</b>"@example.com', showtimeId: '<i>late</i>' })
    assert.ok(email.html.includes('&quot;&lt;b&gt;x&lt;/b&gt;&quot;@example.com'))
    assert.ok(email.html.includes('&lt;i&gt;late&lt;/i&gt;'))
    assert.doesNotMatch(email.html, /<b>|<i>/)
  })
})
