import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formFields } from '../../web/csrf.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'
import { patterns, services } from './messages.ts'
import { startRuns, type LabDeps, type RunRequest } from './runner.ts'
import { lineChart } from './chart.ts'
import { batchOf, runSummaries } from './runs.ts'

const limits = { customers: 1_000, downForMs: 60_000, downAfterMs: 60_000 }
const runBody = z.strictObject({
  patterns: z.array(z.enum(patterns)).min(1).max(3).refine((list) => new Set(list).size === list.length, 'each pattern once'),
  customers: wholeNumber().pipe(z.number().min(1).max(limits.customers, `at most ${limits.customers} customers`)),
  down: z.strictObject({
    service: z.enum(services),
    afterMs: wholeNumber().pipe(z.number().min(0).max(limits.downAfterMs)),
    forMs: wholeNumber().pipe(z.number().min(1).max(limits.downForMs)),
  }).nullable().default(null),
})
/** The page's form: one pattern or all three; a service down or none; seconds, as people type them. */
const runForm = z.strictObject({
  pattern: z.enum([...patterns, 'all']),
  customers: wholeNumber().pipe(z.number().min(1).max(limits.customers, `at most ${limits.customers} customers`)),
  down: z.enum([...services, 'none']),
  downAfterSeconds: wholeNumber().pipe(z.number().min(0).max(limits.downAfterMs / 1000)),
  downForSeconds: wholeNumber().pipe(z.number().min(0).max(limits.downForMs / 1000)),
})
const batchParams = z.object({ batchId: z.uuid('a batch id, as a run lists it') })

/**
 * The pattern lab (admins only, under /ops): start runs — "a customer unsubscribes", with each way of keeping three
 * services consistent, side by side, with a service down for a while — and read what they measured as they go.
 * One run at a time per lab: they would share the outage.
 */
export const labApi = (web: WebDeps, lab: Omit<LabDeps, 'db' | 'session' | 'logger'>) => async (app: FastifyInstance) => {
  const deps: LabDeps = { db: web.db, session: web.session, logger: web.logger, ...lab }
  let running: Promise<void> | undefined
  const start = async (request: RunRequest) => {
    if (request.down && web.config.POPCORN_FAULTS !== 'on') {
      throw new HttpError('FAULTS_OFF', 'a lab service is taken down by pausing its endpoint, which needs POPCORN_FAULTS=on; run without a service down, or switch faults on', undefined,
        'To take a service down, this site must allow faults (POPCORN_FAULTS=on). Run it without a service down, or ask whoever runs it.')
    }
    if (running) throw new HttpError('CONFLICT', 'a lab run is going on: wait until it has converged or was given up on', undefined, 'A run is going on already; wait for it to end.')
    const started = await startRuns(deps, request)
    running = started.finished.finally(() => { running = undefined })
    return started
  }

  app.get('/ops/lab', async (_, reply) =>
    reply.view('contexts/lab/views/lab.eta', { title: 'Pattern lab', runs: await runSummaries(web.db, { limit: 30 }), patterns, services, limits }))

  app.get('/api/ops/lab/runs', async () => ({ runs: await runSummaries(web.db, { limit: 30 }) }))

  app.post('/api/ops/lab/runs', async (request, reply) => {
    const { batchId, runIds } = await start(parse(runBody, request.body, 'run'))
    return reply.code(202).send({ batchId, runIds, follow: `/api/ops/lab/batches/${batchId}` })
  })

  app.post('/ops/lab/runs', async (request, reply) => {
    const form = parse(runForm, formFields(request.body), 'run')
    const { batchId } = await start({
      patterns: form.pattern === 'all' ? patterns : [form.pattern],
      customers: form.customers,
      down: form.down === 'none' || form.downForSeconds === 0 ? null : { service: form.down, afterMs: form.downAfterSeconds * 1000, forMs: form.downForSeconds * 1000 },
    })
    return reply.redirect(`/ops/lab/batches/${batchId}`, 303)
  })

  app.get('/api/ops/lab/batches/:batchId', async (request) => {
    const { batchId } = parse(batchParams, request.params, 'path')
    const batch = await batchOf(web.db, batchId)
    if (!batch) throw new HttpError('NOT_FOUND', `no lab runs of batch ${batchId}`)
    return batch
  })

  app.get('/ops/lab/batches/:batchId', async (request, reply) => {
    const { batchId } = parse(batchParams, request.params, 'path')
    const batch = await batchOf(web.db, batchId)
    if (!batch) throw new HttpError('NOT_FOUND', `no lab runs of batch ${batchId}`, undefined, 'There is no such lab run.')
    return reply.view('contexts/lab/views/batch.eta', { title: 'Pattern lab: a run', batch, lineChart })
  })
}
