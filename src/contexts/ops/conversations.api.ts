import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { conversation } from '../../messaging/conversation.ts'
import { listSagas } from '../../messaging/saga-instances.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'

/** As long as an envelope's correlation id may be. */
const conversationParams = z.strictObject({ correlationId: z.string().trim().min(1, 'a correlation id').max(200) })
const sagasQuery = z.strictObject({
  saga: z.string().min(1).max(200).optional(),
  pendingTimeouts: z.enum(['true', 'false'], 'true or false').transform((value) => value === 'true').optional(),
  limit: wholeNumber().pipe(z.number().min(1).max(200)).default(50),
  offset: wholeNumber().pipe(z.number().min(0).max(1_000_000)).default(0),
})

/**
 * A conversation and the sagas (admins only, as all of /api/ops): every message of one correlation id where it is now,
 * in causal order, with the sagas it touched; and the running sagas, by name or by whether a timeout is still pending.
 */
export const conversationsApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  app.get('/api/ops/conversations/:correlationId', async (request) => {
    const { correlationId } = parse(conversationParams, request.params, 'path')
    const found = await conversation(db, correlationId)
    if (found.messages.length === 0 && found.sagas.length === 0) throw new HttpError('NOT_FOUND', `nothing is known of a conversation ${correlationId}`)
    return found
  })

  app.get('/api/ops/sagas', async (request) => {
    const { limit, offset, ...search } = parse(sagasQuery, request.query, 'query')
    return { limit, offset, ...(await listSagas(db, { ...search, limit, offset })) }
  })
}
