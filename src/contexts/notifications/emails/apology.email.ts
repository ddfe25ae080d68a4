import type { DataOf } from '../../../messaging/message.ts'
import type { OrderCancelled } from '../../ordering/messages.ts'
import type { Email } from '../email.ts'
import { formatMoment, formatPrice, oneLine, plural } from '../format.ts'
import { renderHtml } from './render.ts'

type Cancelled = DataOf<typeof OrderCancelled>

/**
 * The apology for an order told "accepted" at once and then cancelled: sorry, why, the full refund. Found oversold:
 * another showing to order instead (its page on the site), or a kind word when there is none. Past the showing's
 * per-buyer cap (another order of the same buyer came first): the cap, and that the earlier tickets stand.
 */
export const apologyEmail = (order: Cancelled): Email => {
  const alternative = order.alternative && {
    movie: order.alternative.movieTitle,
    theater: order.alternative.theaterName,
    when: formatMoment(order.alternative.startsAt),
    path: `/showtimes/${encodeURIComponent(order.alternative.showtimeId)}`,
  }
  const facts = {
    subject: oneLine(`We're sorry: your tickets for ${order.movieTitle} were cancelled${order.refundCents > 0 ? ', and fully refunded' : ''}`),
    to: order.email,
    orderId: order.orderId,
    movie: order.movieTitle,
    theater: order.theaterName,
    when: formatMoment(order.startsAt),
    count: plural(order.tickets, 'ticket'),
    refund: order.refundCents > 0 ? formatPrice(order.refundCents) : null,
    alternative,
    overLimit: order.reason === 'buyer-limit' ? { limit: plural(order.limit ?? 0, 'ticket'), held: plural(order.held ?? 0, 'ticket') } : null,
  }
  const why = facts.overLimit
    ? [
      `and we told you at once that they were yours. Each person may hold ${facts.overLimit.limit} for one showing, so that`,
      `everyone gets a fair chance at the seats, and you hold ${facts.overLimit.held} for it already: this order would have taken`,
      'you past that. We have cancelled it; your earlier tickets stand.',
    ]
    : [
      'and we told you at once that they were yours. So many people ordered in the same moment that more of them were',
      'told yes than there were seats, and your order is one we could not seat. We have cancelled it.',
    ]
  const next = facts.overLimit
    ? []
    : alternative
      ? [
        `There are seats at another showing: ${alternative.movie} at ${alternative.theater}, ${alternative.when} (Amsterdam time).`,
        `Order them on Popcorn at ${alternative.path} — we cannot hold them for you, so the sooner the better.`,
        '',
      ]
      : [`We looked for another showing of ${facts.movie} with room for you and found none just now.`, '']
  const text = [
    'Hello,',
    '',
    `we are sorry. You ordered ${facts.count} for ${facts.movie} at ${facts.theater}, ${facts.when} (Amsterdam time),`,
    ...why,
    '',
    facts.refund
      ? `Your refund: ${facts.refund}, the full amount you paid, is on its way back to you. You do not need to do anything.`
      : 'Your tickets were free, so nothing was charged and there is nothing to refund.',
    '',
    ...next,
    'We hope to see you at the movies soon.',
    '',
    `Order reference ${order.orderId}`,
    '',
  ].join('\n')
  return { kind: 'apology', to: order.email, orderId: order.orderId, subject: facts.subject, text, html: renderHtml('apology', facts) }
}
