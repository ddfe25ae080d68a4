import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { conversation } from '../../messaging/conversation.ts'
import { listSagas } from '../../messaging/saga-instances.ts'
import { HttpError, parse } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'

const idOf = z.string().trim().min(1, 'a correlation id').max(200)
const lookup = z.strictObject({ id: idOf })
const params = z.strictObject({ correlationId: idOf })
const sagasPageQuery = z.strictObject({
  saga: z.string().trim().max(200).optional().transform((name) => name || undefined),
  pendingTimeouts: z.literal('true').optional().transform((only) => only === 'true' || undefined),
})

/**
 * A conversation as a page (admins only, under /ops): the flow of one correlation id's messages and the sagas it
 * touched; and the running sagas (/ops/sagas), with their state and pending timeouts. Linked from the error queue, the mailbox and an order's page (an order's id is its conversation's); the
 * console's form looks one up by its id.
 */
export const conversationPage = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  app.get('/ops/conversations', async (request, reply) => {
    const { id } = parse(lookup, request.query, 'query')
    return reply.redirect(`/ops/conversations/${encodeURIComponent(id)}`, 303)
  })

  app.get('/ops/sagas', async (request, reply) => {
    const search = parse(sagasPageQuery, request.query, 'query')
    const found = await listSagas(db, { ...search, limit: 50, offset: 0 })
    const query = new URLSearchParams(Object.entries(search).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
    return reply.view('contexts/ops/views/sagas.eta', { title: 'Sagas', search, found, query: query.toString() })
  })

  app.get('/ops/conversations/:correlationId', async (request, reply) => {
    const { correlationId } = parse(params, request.params, 'path')
    const found = await conversation(db, correlationId)
    if (found.messages.length === 0 && found.sagas.length === 0) {
      throw new HttpError('NOT_FOUND', `nothing is known of a conversation ${correlationId}`, undefined, 'Nothing is known of that conversation: its messages were never sent here, or the inbox forgot them after a week.')
    }
    return reply.view('contexts/ops/views/conversation.eta', { title: 'A conversation', conversation: found })
  })
}
