import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { ErrorQueue, Resolution } from '../../messaging/failed-messages.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'

const idParams = z.object({ id: z.uuid('the id of a failed message is a uuid') })
const listQuery = z.object({
  status: z.enum(['unresolved', 'retried', 'discarded']).default('unresolved'),
  limit: wholeNumber().pipe(z.number().min(1).max(200)).default(50),
  offset: wholeNumber().pipe(z.number().min(0).max(1_000_000)).default(0),
})

const answer = (outcome: Resolution, id: string) => {
  if (outcome === 'not-found') throw new HttpError('NOT_FOUND', `no failed message ${id}`)
  if (outcome === 'already-resolved') throw new HttpError('CONFLICT', `failed message ${id} was already retried or discarded`)
  return { id, status: 'ok' }
}

/** The error queue over HTTP: list, inspect (headers, body, exception, attempts), retry, discard. */
export const opsApi = (errors: ErrorQueue) => async (app: FastifyInstance) => {
  app.get('/api/ops/failed-messages', async (request) => errors.list(parse(listQuery, request.query, 'query')))

  app.get('/api/ops/failed-messages/:id', async (request) => {
    const { id } = parse(idParams, request.params, 'path')
    const failed = await errors.get(id)
    if (!failed) throw new HttpError('NOT_FOUND', `no failed message ${id}`)
    return failed
  })

  app.post('/api/ops/failed-messages/:id/retry', async (request) => {
    const { id } = parse(idParams, request.params, 'path')
    return answer(await errors.retry(id), id)
  })

  app.post('/api/ops/failed-messages/:id/discard', async (request) => {
    const { id } = parse(idParams, request.params, 'path')
    return answer(await errors.discard(id), id)
  })
}
