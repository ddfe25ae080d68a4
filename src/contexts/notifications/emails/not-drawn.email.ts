import type { DataOf } from '../../../messaging/message.ts'
import type { EntryNotDrawn } from '../../drawing/messages.ts'
import type { Email } from '../email.ts'
import { formatMoment, oneLine } from '../format.ts'
import { renderHtml } from './render.ts'

type Entry = DataOf<typeof EntryNotDrawn>

/** What happened to the entry, said plainly and kindly: the subject, and the paragraph that explains it. */
const told: Record<Entry['reason'], (movie: string) => { subject: string; heading: string; why: string }> = {
  'not-drawn': (movie) => ({
    subject: `Not this time: the drawing for ${movie}`,
    heading: 'Not this time',
    why: 'The seats were drawn by lot, and this time they went to other entries. We are sorry: there were far more of you than seats.',
  }),
  'after-the-draw': (movie) => ({
    subject: `Your entry for ${movie} reached the drawing too late`,
    heading: 'Your entry came after the draw',
    why: 'Your entry was accepted just before the drawing closed, but it reached the drawing only after the seats had been drawn, so it could not take part. We are sorry: that delay was ours, not yours.',
  }),
  'already-entered': (movie) => ({
    subject: `You are already in the drawing for ${movie}`,
    heading: 'You are already in the drawing',
    why: 'You had entered this drawing before with this e-mail address. To keep it fair there is one entry per person, so this second entry does not count; your first one is still in the drawing, and you will hear how it went.',
  }),
}

/** The kind "not this time" for an entry that did not win seats, with a link to the drawing's published seed. */
export const notDrawnEmail = (entry: Entry): Email => {
  const words = told[entry.reason](entry.movieTitle)
  const drawingPath = `/drawings/${encodeURIComponent(entry.showtimeId)}`
  const facts = {
    subject: oneLine(words.subject),
    heading: words.heading,
    why: words.why,
    to: entry.email,
    orderId: entry.orderId,
    movie: entry.movieTitle,
    theater: entry.theaterName,
    when: formatMoment(entry.startsAt),
    drawingPath,
    entryId: entry.entryId,
  }
  const text = [
    'Hello,',
    '',
    `this is about your entry in the drawing for ${facts.movie} at ${facts.theater}, ${facts.when} (Amsterdam time).`,
    '',
    facts.why,
    '',
    `The drawing is public: its seed, its entries (without any e-mail address) and its result are on its page, ${drawingPath},`,
    'where anyone can check the draw.',
    ...(facts.entryId ? [`Your entry is listed there as ${facts.entryId}.`] : []),
    '',
    'Thank you for entering, and we hope to see you at the movies another time.',
    '',
    `Entry reference ${entry.orderId}`,
    '',
  ].join('\n')
  return { kind: 'not-drawn', to: entry.email, orderId: entry.orderId, subject: facts.subject, text, html: renderHtml('not-drawn', facts) }
}
