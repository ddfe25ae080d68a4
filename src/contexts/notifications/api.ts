import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { cidPattern, drawInline, withInlineUrls } from './emails/inline-image.ts'
import { findEmail, listMailbox, type MailboxEmail } from './queries.ts'

const idParams = z.object({ id: z.uuid('the id of an e-mail is a uuid') })
const inlineParams = idParams.extend({ cid: z.string().max(80).regex(cidPattern, 'an inline image is named by lowercase letters, digits and dashes') })
const listQuery = (defaultLimit: number) => z.object({
  // An empty box in the filter form means "everyone".
  to: z.string().trim().max(320).optional().transform((to) => to || undefined),
  limit: wholeNumber().pipe(z.number().min(1).max(200)).default(defaultLimit),
})

const view = (name: string) => `contexts/notifications/views/${name}.eta`

/**
 * The dev mailbox: every e-mail the system sent, as pages and as JSON. There only when switched on
 * (POPCORN_DEV_MAILBOX), and then for admins: its routes are under /mailbox and /api/mailbox, behind the admin guard.
 */
export const notificationsApi = ({ db, config }: WebDeps) => async (app: FastifyInstance) => {
  if (config.POPCORN_DEV_MAILBOX !== 'on') return
  const emailOr404 = async (params: unknown) => {
    const { id } = parse(idParams, params, 'path')
    const email = await findEmail(db, id)
    if (!email) throw new HttpError('NOT_FOUND', `no e-mail ${id}`)
    return email
  }

  const inlineUrl = (email: MailboxEmail) => (cid: string) => `/mailbox/${email.id}/inline/${cid}`
  /** As the mailbox shows it: the HTML's inline pictures served from here. */
  const shown = (email: MailboxEmail) => ({
    ...email,
    html: withInlineUrls(email.html, inlineUrl(email)),
    inline: email.inline.map((image) => ({ ...image, url: inlineUrl(email)(image.cid) })),
  })

  app.get('/api/mailbox', async (request) => listMailbox(db, parse(listQuery(50), request.query, 'query')))
  app.get('/api/mailbox/:id', async (request) => shown(await emailOr404(request.params)))

  /** An inline picture of an e-mail, drawn now: e-mails carry what to draw, so that sending one costs no drawing. */
  app.get('/mailbox/:id/inline/:cid', async (request, reply) => {
    const { cid } = parse(inlineParams, request.params, 'path')
    const email = await emailOr404(request.params)
    const image = email.inline.find((i) => i.cid === cid)
    if (!image) throw new HttpError('NOT_FOUND', `e-mail ${email.id} has no inline image "${cid}"`)
    // An e-mail never changes: the browser may keep the picture.
    return reply.type('image/png').header('cache-control', 'private, max-age=86400, immutable').send(await drawInline(image))
  })

  app.get('/mailbox', async (request, reply) => {
    const filter = parse(listQuery(100), request.query, 'query')
    const { items, total } = await listMailbox(db, filter)
    return reply.view(view('mailbox'), { title: 'Mailbox', to: filter.to ?? '', items, total })
  })

  // The page shows the HTML in a sandboxed frame, whose requests carry no credentials (it has an origin of its own):
  // its pictures go in drawn, as data, rather than fetched from the admin's routes, which would refuse the frame.
  app.get('/mailbox/:id', async (request, reply) => {
    const email = await emailOr404(request.params)
    const drawn = new Map(await Promise.all(email.inline.map(async (image) =>
      [image.cid, `data:image/png;base64,${(await drawInline(image)).toString('base64')}`] as const)))
    const html = withInlineUrls(email.html, (cid) => drawn.get(cid) ?? inlineUrl(email)(cid))
    return reply.view(view('email'), { title: email.subject, email: { ...shown(email), html } })
  })
}
