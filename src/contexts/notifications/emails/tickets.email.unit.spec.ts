import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { drawInline } from './inline-image.ts'
import { ticketsEmail } from './tickets.email.ts'
import { readTicketCode } from './ticket-code.ts'

const order = {
  orderId: '0b5f3c52-6a43-4f0e-9d8e-2f1b7e0a9c11',
  showtimeId: 'dune-tuschinski-2024-06-01',
  tickets: 3,
  totalCents: 3750,
  email: 'ann@example.com',
  movieTitle: 'Dune: Part Two',
  theaterName: 'Pathé Tuschinski',
  screen: 'Zaal 1',
  startsAt: '2024-06-01T18:30:00.000Z',
}

// jsqr is CommonJS typed as `export default`: under NodeNext its default import is module.exports, the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default

/** The cid: sources of the HTML's images. */
const qrImages = (html: string) => [...html.matchAll(/<img src="cid:([a-z0-9-]+)"/g)].map((m) => m[1]!)

const decode = (png: Buffer) => {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data
}

describe('the tickets e-mail', () => {
  test('says what, where, when (Amsterdam time) and how much, with one QR code per ticket that reads as its ticket code', async () => {
    const email = await ticketsEmail(order)

    assert.equal(email.kind, 'tickets')
    assert.equal(email.to, 'ann@example.com')
    assert.equal(email.orderId, order.orderId)
    assert.equal(email.subject, 'Your tickets for Dune: Part Two')
    for (const fact of ['Dune: Part Two', 'Pathé Tuschinski', 'Zaal 1', 'Saturday, 1 June 2024 at 20:30', '3 tickets', '€37.50']) {
      assert.ok(email.text.includes(fact), `text has ${fact}`)
      assert.ok(email.html.includes(fact), `html has ${fact}`)
    }
    const codes = [1, 2, 3].map((n) => `POPCORN:${order.orderId}:${n}`)
    for (const code of codes) assert.ok(email.text.includes(code))
    // The HTML names each ticket's picture; the picture, drawn when the e-mail is shown, reads as its code.
    assert.deepEqual(qrImages(email.html), ['ticket-1', 'ticket-2', 'ticket-3'])
    assert.deepEqual(email.inline?.map((image) => image.cid), ['ticket-1', 'ticket-2', 'ticket-3'])
    assert.deepEqual(await Promise.all(email.inline!.map(async (image) => decode(await drawInline(image)))), codes)
    assert.deepEqual(readTicketCode(codes[1]!), { orderId: order.orderId, n: 2 })
  })

  test('a free ticket costs "free", not €0.00; one ticket is "1 ticket"', async () => {
    const email = await ticketsEmail({ ...order, tickets: 1, totalCents: 0 })
    assert.match(email.text, /Total: +free\n/)
    assert.match(email.html, /<td>free<\/td>/)
    assert.doesNotMatch(email.text + email.html, /€/)
    assert.match(email.text, /Tickets: +1 ticket\n/)
    assert.equal(qrImages(email.html).length, 1)
  })

  test('seats won in the drawing say so', async () => {
    const email = await ticketsEmail({ ...order, tickets: 2, totalCents: 0, wonInDrawing: true })
    assert.equal(email.subject, 'You won the drawing! Your tickets for Dune: Part Two')
    assert.match(email.text, /you won the drawing: congratulations!\nhere are your tickets/)
    assert.match(email.html, /You won the drawing: congratulations!/)
    assert.doesNotMatch((await ticketsEmail(order)).text + (await ticketsEmail(order)).html, /won the drawing/)
  })

  test('user text is escaped in the HTML, and a subject stays one line', async () => {
    const email = await ticketsEmail({
      ...order,
      email: '"<b>x</b>"@example.com',
      movieTitle: '<script>alert("x")</script>\r\nBcc: everyone',
      theaterName: '<img src=x onerror=alert(1)>',
    })
    assert.ok(email.html.includes('&quot;&lt;b&gt;x&lt;/b&gt;&quot;@example.com'))
    assert.ok(email.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'))
    assert.ok(email.html.includes('&lt;img src=x onerror=alert(1)&gt;'))
    assert.doesNotMatch(email.html, /<b>|<script|<img src=x/)
    assert.equal(email.subject, 'Your tickets for <script>alert("x")</script> Bcc: everyone')
  })
})
