import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { ErrorQueue, FailedSearch, Resolution } from '../../messaging/failed-messages.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'

const idParams = z.object({ id: z.uuid('the id of a failed message is a uuid') })
/** What to look for in the error queue: every field narrows it. */
const filters = {
  type: z.string().min(1).max(200).optional(),
  queue: z.string().min(1).max(200).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$|^[0-9a-f]{32}$/, 'a fingerprint, as a group lists it').optional(),
  correlationId: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  minAttempts: wholeNumber().pipe(z.number().min(0).max(1_000)).optional(),
}
const listQuery = z.strictObject({
  status: z.enum(['unresolved', 'retried', 'discarded']).default('unresolved'),
  limit: wholeNumber().pipe(z.number().min(1).max(200)).default(50),
  offset: wholeNumber().pipe(z.number().min(0).max(1_000_000)).default(0),
  ...filters,
})
const groupsQuery = z.strictObject({ by: z.enum(['fingerprint', 'type', 'queue']).default('fingerprint'), ...filters })
/** A group or a search, or everything — said out loud (`all: true`), never by forgetting the filters. */
const bulkBody = z.strictObject({ all: z.literal(true).optional(), ...filters })
  .refine((body) => Object.keys(body).length > 0, 'name what to act on (type, queue, fingerprint, correlationId, from, to, minAttempts), or say "all": true')

const searchOf = ({ type, from, to, ...rest }: { type?: string; queue?: string; fingerprint?: string; correlationId?: string; from?: string; to?: string; minAttempts?: number }): FailedSearch => ({
  ...rest, ...(type && { messageType: type }), ...(from && { from: new Date(from) }), ...(to && { to: new Date(to) }),
})

const answer = (outcome: Resolution, id: string) => {
  if (outcome === 'not-found') throw new HttpError('NOT_FOUND', `no failed message ${id}`)
  if (outcome === 'already-resolved') throw new HttpError('CONFLICT', `failed message ${id} was already retried or discarded`)
  return { id, status: 'ok' }
}

/**
 * The error queue over HTTP: search it, group it by cause (fingerprint), message type or queue, inspect one (headers,
 * body, exception, attempts), and retry or discard one, a group, a search's findings, or all.
 */
export const opsApi = (errors: ErrorQueue) => async (app: FastifyInstance) => {
  app.get('/api/ops/failed-messages', async (request) => {
    const { status, limit, offset, ...rest } = parse(listQuery, request.query, 'query')
    return errors.list({ status, limit, offset, ...searchOf(rest) })
  })

  app.get('/api/ops/failed-messages/groups', async (request) => {
    const { by, ...rest } = parse(groupsQuery, request.query, 'query')
    return { by, groups: await errors.groups(by, searchOf(rest)) }
  })

  app.post('/api/ops/failed-messages/retry', async (request) => {
    const { all: _, ...rest } = parse(bulkBody, request.body ?? {}, 'what to retry')
    return { retried: await errors.retryAll(searchOf(rest)) }
  })

  app.post('/api/ops/failed-messages/discard', async (request) => {
    const { all: _, ...rest } = parse(bulkBody, request.body ?? {}, 'what to discard')
    return { discarded: await errors.discardAll(searchOf(rest)) }
  })

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
