import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { DataOf } from '../../../messaging/message.ts'
import type { OrderCancelled } from '../../ordering/messages.ts'
import { apologyEmail } from './apology.email.ts'

const cancelled: DataOf<typeof OrderCancelled> = {
  orderId: '5d1f0c2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f',
  showtimeId: 'top-gun-maverick-breda-1',
  reason: 'oversold',
  tickets: 2,
  refundCents: 2900,
  email: 'pete@example.com',
  movieTitle: 'Top Gun: Maverick',
  theaterName: 'Breda',
  startsAt: '2026-12-01T19:30:00.000Z',
  alternative: { showtimeId: 'top-gun-maverick-den-haag-2', movieTitle: 'Top Gun: Maverick', theaterName: 'Den Haag', startsAt: '2026-12-02T20:45:00.000Z', seatsLeft: 120 },
}

describe('the apology e-mail', () => {
  test('says sorry, why, the full refund, and offers the other showing with a link to order it', () => {
    const email = apologyEmail(cancelled)
    assert.equal(email.kind, 'apology')
    assert.equal(email.to, 'pete@example.com')
    assert.equal(email.orderId, cancelled.orderId)
    assert.equal(email.subject, "We're sorry: your tickets for Top Gun: Maverick were cancelled, and fully refunded")
    assert.match(email.text, /2 tickets for Top Gun: Maverick at Breda, Tuesday, 1 December 2026 at 20:30/)
    assert.match(email.text, /more of them were\s+told yes than there were seats/)
    assert.match(email.text, /Your refund: €29\.00, the full amount/)
    assert.match(email.text, /Den Haag, Wednesday, 2 December 2026 at 21:45/)
    assert.match(email.text, /\/showtimes\/top-gun-maverick-den-haag-2/)
    assert.ok(email.html.includes('href="/showtimes/top-gun-maverick-den-haag-2"'))
    assert.ok(email.html.includes('€29.00'))
  })

  test('without another showing, a kind line instead of an offer', () => {
    const email = apologyEmail({ ...cancelled, alternative: null })
    assert.match(email.text, /found none just now/)
    assert.doesNotMatch(email.text, /showtimes\//)
    assert.doesNotMatch(email.html, /href=/)
  })

  test('free tickets: nothing was charged, so nothing is promised back', () => {
    const email = apologyEmail({ ...cancelled, refundCents: 0 })
    assert.equal(email.subject, "We're sorry: your tickets for Top Gun: Maverick were cancelled")
    assert.match(email.text, /nothing was charged/)
    assert.doesNotMatch(email.text, /€/)
  })

  test('user text is escaped in the HTML, and a showtime id cannot break out of the link', () => {
    const email = apologyEmail({
      ...cancelled,
      movieTitle: '<script>alert(1)</script>',
      alternative: { ...cancelled.alternative!, showtimeId: '"><img src=x>', theaterName: '<b>x</b>' },
    })
    assert.ok(email.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.ok(email.html.includes('&lt;b&gt;x&lt;/b&gt;'))
    assert.ok(email.html.includes('href="/showtimes/%22%3E%3Cimg%20src%3Dx%3E"'))
    assert.doesNotMatch(email.html, /<script|<img|<b>x/)
  })

  test('past the showing\'s per-buyer cap: the cap, what they hold, the refund, and no other showing offered', () => {
    const email = apologyEmail({ ...cancelled, reason: 'buyer-limit', held: 8, limit: 10, alternative: null })
    assert.match(email.text, /Each person may hold 10 tickets for one showing/)
    assert.match(email.text, /you hold 8 tickets for it already/)
    assert.match(email.text, /your earlier tickets stand/)
    assert.match(email.text, /Your refund: €29\.00/)
    assert.doesNotMatch(email.text, /more of them were|another showing/)
    assert.match(email.html, /you hold 8 tickets for it already/)
    assert.doesNotMatch(email.html, /found none just now/)
  })
})
