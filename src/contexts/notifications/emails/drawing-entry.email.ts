import type { DataOf } from '../../../messaging/message.ts'
import type { DrawingEntered } from '../../ordering/messages.ts'
import type { Email } from '../email.ts'
import { formatDay, formatMoment, oneLine, plural } from '../format.ts'
import { renderHtml } from './render.ts'

type Entry = DataOf<typeof DrawingEntered>

/**
 * The e-mail that confirms an entry in a drawing: the movie, the theater and the showing's time, and when it is
 * drawn. (An entry announced before the event carried the showing says "the drawing" alone, never an internal id.)
 */
export const drawingEntryEmail = (entry: Entry): Email => {
  const showing = entry.movieTitle
    ? `${entry.movieTitle}${entry.theaterName ? ` at ${entry.theaterName}` : ''}${entry.startsAt ? `, ${formatMoment(entry.startsAt)}` : ''}`
    : undefined
  const facts = {
    subject: oneLine(`You're in the drawing${entry.movieTitle ? ` for ${entry.movieTitle}` : ''}, drawn on ${formatDay(entry.drawingAt)}`),
    to: entry.email,
    orderId: entry.orderId,
    showing: showing ?? 'the showing',
    count: plural(entry.tickets, 'ticket'),
    drawingAt: formatMoment(entry.drawingAt),
  }
  const text = [
    'Hello,',
    '',
    `your entry for ${facts.count} for ${facts.showing} is in.`,
    `The drawing is on ${facts.drawingAt} (Amsterdam time). Whatever the outcome, we will e-mail you:`,
    "tickets if you win, a note if you don't.",
    '',
    `Entry reference ${entry.orderId}`,
    '',
  ].join('\n')
  return { kind: 'drawing-entry', to: entry.email, orderId: entry.orderId, subject: facts.subject, text, html: renderHtml('drawing-entry', facts) }
}
