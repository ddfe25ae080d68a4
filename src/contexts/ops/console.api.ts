import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { FailedSearch } from '../../messaging/failed-messages.ts'
import { formFields } from '../../web/csrf.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import { instantOfWallClock } from '../../web/format.ts'
import type { OpsSources, WebDeps } from '../index.ts'
import { clearedAlerts, openAlerts, readThresholds, setThresholds } from './alerts.ts'
import { thresholdSpecs, type ThresholdName } from './alerts.rules.ts'
import { consoleSnapshot } from './console.ts'

const wallClock = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'a date and time, like 2026-12-04T09:30')
const fingerprint = z.string().regex(/^[0-9a-f]{16}$|^[0-9a-f]{32}$/, 'a fingerprint, as a group lists it')
/** What a console form acts on: one group (by cause, type or endpoint), or every failed message, said out loud. */
const groupForm = z.strictObject({
  fingerprint: fingerprint.optional(),
  type: z.string().min(1).max(200).optional(),
  queue: z.string().min(1).max(200).optional(),
  all: z.literal('yes').optional(),
}).refine((form) => Object.keys(form).length === 1, 'name one group (fingerprint, type or queue), or all=yes')
const listQuery = z.strictObject({
  fingerprint: fingerprint.optional(),
  type: z.string().min(1).max(200).optional(),
  queue: z.string().min(1).max(200).optional(),
  correlationId: z.string().min(1).max(200).optional(),
  /** Failed at or after, before: Amsterdam wall-clock times, as a datetime-local field sends them. */
  from: wallClock.optional(),
  to: wallClock.optional(),
  minAttempts: wholeNumber().pipe(z.number().min(0).max(1_000)).optional(),
  status: z.enum(['unresolved', 'retried', 'discarded']).default('unresolved'),
  offset: wholeNumber().pipe(z.number().min(0).max(1_000_000)).default(0),
})
const consoleQuery = z.strictObject({
  done: z.enum(['retried', 'discarded', 'thresholds', 'fault', 'healed']).optional(),
  count: wholeNumber().pipe(z.number().min(0).max(1_000_000)).optional(),
})
const thresholdNames = Object.keys(thresholdSpecs) as ThresholdName[]
const thresholdOf = (name: ThresholdName) => wholeNumber().pipe(z.number().min(0).max(thresholdSpecs[name].max, `at most ${thresholdSpecs[name].max}`))
const thresholdsBody = z.strictObject(Object.fromEntries(thresholdNames.map((name) => [name, thresholdOf(name).optional()])) as Record<ThresholdName, z.ZodOptional<ReturnType<typeof thresholdOf>>>)
  .refine((body) => Object.values(body).some((v) => v !== undefined), `name a threshold: ${thresholdNames.join(', ')}`)
const idParams = z.object({ id: z.uuid('the id of a failed message is a uuid'), action: z.enum(['retry', 'discard']) })
/** Where a form about one failed message goes back to: the list it was on, with its filters. */
const backTo = z.string().max(600).regex(/^\/ops\/failed-messages(\?[A-Za-z0-9%=&+._-]*)?$/, 'a page of the error queue').default('/ops/failed-messages')
const pageSize = 25

const searchOf = (form: { fingerprint?: string; type?: string; queue?: string; correlationId?: string; from?: string; to?: string; minAttempts?: number }): FailedSearch => ({
  ...(form.fingerprint && { fingerprint: form.fingerprint }), ...(form.type && { messageType: form.type }),
  ...(form.queue && { queue: form.queue }), ...(form.correlationId && { correlationId: form.correlationId }),
  ...(form.from && { from: instantOfWallClock(form.from) }), ...(form.to && { to: instantOfWallClock(form.to) }),
  ...(form.minAttempts !== undefined && { minAttempts: form.minAttempts }),
})

const sourcesOf = (web: WebDeps): OpsSources => {
  if (!web.ops) throw new HttpError('NOT_FOUND', 'this process serves no console')
  return web.ops
}

/**
 * The ops console: `/ops` (the page, live over the socket — see console.socket.ts), `/api/ops/console` (the same
 * moment as JSON), the error queue's pages (`/ops/failed-messages`, each message's headers and body), and forms that
 * retry or discard a group, everything, or one message, for when the page's script does not run.
 */
export const consoleApi = (web: WebDeps) => async (app: FastifyInstance) => {
  app.get('/api/ops/console', async () => consoleSnapshot(web.db, sourcesOf(web), new Date(), { faults: web.config.POPCORN_FAULTS === 'on' }))

  app.get('/ops', async (request, reply) => {
    const { done, count } = parse(consoleQuery, request.query, 'query')
    const snapshot = await consoleSnapshot(web.db, sourcesOf(web), new Date(), { faults: web.config.POPCORN_FAULTS === 'on' })
    const notice = done === 'thresholds' ? 'The thresholds are saved: the next check (within seconds) raises and clears by them.'
      : done === 'fault' ? 'The fault is on: every process takes it within a second.'
      : done === 'healed' ? 'Healed: every process takes it within a second, and what waited is taken.'
      : done && `${done === 'retried' ? 'Retried' : 'Discarded'} ${count ?? 0} failed message${count === 1 ? '' : 's'}.`
    return reply.view('contexts/ops/views/console.eta', { title: 'Ops console', snapshot, notice, thresholdSpecs })
  })

  app.get('/api/ops/alerts', async () => ({ open: await openAlerts(web.db), cleared: await clearedAlerts(web.db, 50), thresholds: await readThresholds(web.db) }))
  app.put('/api/ops/alerts/thresholds', async (request) => {
    await setThresholds(web.db, parse(thresholdsBody, request.body, 'thresholds'), new Date())
    return readThresholds(web.db)
  })
  app.post('/ops/alerts/thresholds', async (request, reply) => {
    await setThresholds(web.db, parse(thresholdsBody, formFields(request.body), 'thresholds'), new Date())
    return reply.redirect('/ops?done=thresholds', 303)
  })

  for (const action of ['retry', 'discard'] as const) {
    app.post(`/ops/failed-messages/${action}`, async (request, reply) => {
      const form = parse(groupForm, formFields(request.body), `what to ${action}`)
      const errors = sourcesOf(web).errors
      const count = action === 'retry' ? await errors.retryAll(searchOf(form)) : await errors.discardAll(searchOf(form))
      return reply.redirect(`/ops?done=${action === 'retry' ? 'retried' : 'discarded'}&count=${count}`, 303)
    })
  }

  app.get('/ops/failed-messages', async (request, reply) => {
    // A search form sends its empty fields too: empty is no filter.
    const filled = Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, unknown>).filter(([, value]) => value !== ''))
    const { status, offset, ...filters } = parse(listQuery, filled, 'query')
    const found = await sourcesOf(web).errors.list({ status, limit: pageSize, offset, ...searchOf(filters) })
    const query = new URLSearchParams(Object.entries({ ...filters, status }).filter(([, v]) => v !== undefined) as [string, string][])
    return reply.view('contexts/ops/views/failed-messages.eta', {
      title: 'Failed messages', filters, status, found, offset, pageSize, here: `/ops/failed-messages?${query}`, query: query.toString(),
    })
  })

  app.post('/ops/failed-messages/:id/:action', async (request, reply) => {
    const { id, action } = parse(idParams, request.params, 'path')
    const { back } = parse(z.strictObject({ back: backTo }), formFields(request.body), 'form')
    const errors = sourcesOf(web).errors
    const outcome = action === 'retry' ? await errors.retry(id) : await errors.discard(id)
    if (outcome === 'not-found') throw new HttpError('NOT_FOUND', `no failed message ${id}`)
    return reply.redirect(back, 303)
  })
}
