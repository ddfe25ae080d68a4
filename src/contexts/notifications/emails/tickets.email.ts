import type { DataOf } from '../../../messaging/message.ts'
import type { OrderAccepted } from '../../ordering/messages.ts'
import type { Email } from '../email.ts'
import { formatMoment, formatPrice, oneLine, plural } from '../format.ts'
import type { InlineImage } from './inline-image.ts'
import { renderHtml } from './render.ts'
import { ticketCode } from './ticket-code.ts'

type Order = DataOf<typeof OrderAccepted>

/** The e-mail with the tickets of an accepted order: what, where, when, how much, and one QR code per ticket. */
export const ticketsEmail = async (order: Order): Promise<Email> => {
  const tickets = Array.from({ length: order.tickets }, (_, i) => {
    const code = ticketCode(order.orderId, i + 1)
    const image: InlineImage = { cid: `ticket-${i + 1}`, qr: code }
    return { code, label: `Ticket ${i + 1} of ${order.tickets}`, qr: `cid:${image.cid}`, image }
  })
  const facts = {
    subject: oneLine(`${order.wonInDrawing ? 'You won the drawing! ' : ''}Your tickets for ${order.movieTitle}`),
    won: order.wonInDrawing === true,
    to: order.email,
    orderId: order.orderId,
    movie: order.movieTitle,
    theater: order.theaterName,
    screen: order.screen,
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
    ...(facts.screen ? [`  Screen:   ${facts.screen}`] : []),
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
  return { kind: 'tickets', to: order.email, orderId: order.orderId, subject: facts.subject, text, html: renderHtml('tickets', { ...facts, tickets }), inline: tickets.map((t) => t.image) }
}
