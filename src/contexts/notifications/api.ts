import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { findEmail, listMailbox } from './queries.ts'

const idParams = z.object({ id: z.uuid('the id of an e-mail is a uuid') })
const listQuery = (defaultLimit: number) => z.object({
  // An empty box in the filter form means "everyone".
  to: z.string().trim().max(320).optional().transform((to) => to || undefined),
  limit: z.coerce.number().int().min(1).max(200).default(defaultLimit),
})

const view = (name: string) => `contexts/notifications/views/${name}.eta`

/** The dev mailbox: every e-mail the system sent, as pages and as JSON. */
export const notificationsApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  const emailOr404 = async (params: unknown) => {
    const { id } = parse(idParams, params, 'path')
    const email = await findEmail(db, id)
    if (!email) throw new HttpError('NOT_FOUND', `no e-mail ${id}`)
    return email
  }

  app.get('/api/mailbox', async (request) => listMailbox(db, parse(listQuery(50), request.query, 'query')))
  app.get('/api/mailbox/:id', async (request) => emailOr404(request.params))

  app.get('/mailbox', async (request, reply) => {
    const filter = parse(listQuery(100), request.query, 'query')
    const { items, total } = await listMailbox(db, filter)
    return reply.view(view('mailbox'), { title: 'Mailbox', to: filter.to ?? '', items, total })
  })

  app.get('/mailbox/:id', async (request, reply) => {
    const email = await emailOr404(request.params)
    return reply.view(view('email'), { title: email.subject, email })
  })
}
