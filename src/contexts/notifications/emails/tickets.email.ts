import QRCode from 'qrcode'
import type { DataOf } from '../../../messaging/message.ts'
import type { OrderAccepted } from '../../ordering/messages.ts'
import type { Email } from '../email.ts'
import { formatMoment, formatPrice, oneLine, plural } from '../format.ts'
import { renderHtml } from './render.ts'
import { ticketCode } from './ticket-code.ts'

type Order = DataOf<typeof OrderAccepted>

// A PNG data URL shows in the dev mailbox as it is; an SMTP adapter would attach it inline (cid:) instead.
// Grey, each row filtered against the one above: a QR code has two shades and repeats rows, so this packs it in 60 %
// of the default (colour, every filter tried on every row) and 42 % less CPU, which a flash sale's tickets add up.
// (pngjs takes both; the qrcode types name only the deflate options it passes on.)
const png = { colorType: 0, filterType: 2 } as NonNullable<QRCode.QRCodeToBufferOptions['rendererOpts']>
const qrCode = async (text: string) =>
  `data:image/png;base64,${(await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 200, rendererOpts: png })).toString('base64')}`

/** The e-mail with the tickets of an accepted order: what, where, when, how much, and one QR code per ticket. */
export const ticketsEmail = async (order: Order): Promise<Email> => {
  const tickets = await Promise.all(Array.from({ length: order.tickets }, async (_, i) => {
    const code = ticketCode(order.orderId, i + 1)
    return { code, label: `Ticket ${i + 1} of ${order.tickets}`, qr: await qrCode(code) }
  }))
  const facts = {
    subject: oneLine(`${order.wonInDrawing ? 'You won the drawing! ' : ''}Your tickets for ${order.movieTitle}`),
    won: order.wonInDrawing === true,
    to: order.email,
    orderId: order.orderId,
    movie: order.movieTitle,
    theater: order.theaterName,
    when: formatMoment(order.startsAt),
    count: plural(order.tickets, 'ticket'),
    total: formatPrice(order.totalCents),
  }
  const text = [
    'Hello,',
    '',
    ...(facts.won ? ['you won the drawing: congratulations!'] : []),
    `here are your tickets for ${facts.movie}.`,
    '',
    `  Movie:    ${facts.movie}`,
    `  Theater:  ${facts.theater}`,
    `  When:     ${facts.when} (Amsterdam time)`,
    `  Tickets:  ${facts.count}`,
    `  Total:    ${facts.total}`,
    '',
    'Show one code per person at the door (the HTML version of this e-mail has them as QR codes):',
    ...tickets.map((t) => `  ${t.label}: ${t.code}`),
    '',
    `Order reference ${order.orderId}`,
    '',
  ].join('\n')
  return { kind: 'tickets', to: order.email, orderId: order.orderId, subject: facts.subject, text, html: renderHtml('tickets', { ...facts, tickets }) }
}
