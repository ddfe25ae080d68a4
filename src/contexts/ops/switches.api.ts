import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { readSwitch, setSwitch, switches } from '../../messaging/switches.ts'
import { parse, wholeNumber } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'

const delay = wholeNumber().pipe(z.number().min(switches.projectionDelayMs.off).max(switches.projectionDelayMs.max, `at most ${switches.projectionDelayMs.max} ms (ten minutes)`))
const switchesBody = z.object({ projectionDelayMs: delay })
const switchForm = z.object({ projectionDelayMs: delay, back: z.enum(['/admin/accounts', '/admin']).default('/admin') })

/**
 * Ops' switches (admins only, as everything under /ops and /admin): the delay on shared projections, which makes the
 * lag between a write and what everyone else sees visible on purpose. Off unless turned on.
 */
export const switchesApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  const current = async () => ({ projectionDelayMs: await readSwitch(db, switches.projectionDelayMs) })
  app.get('/api/ops/switches', current)
  app.put('/api/ops/switches', async (request) => {
    const { projectionDelayMs } = parse(switchesBody, request.body, 'switches')
    await setSwitch(db, switches.projectionDelayMs, projectionDelayMs, new Date())
    return current()
  })
  app.post('/admin/switches', async (request, reply) => {
    const { projectionDelayMs, back } = parse(switchForm, request.body, 'switches')
    await setSwitch(db, switches.projectionDelayMs, projectionDelayMs, new Date())
    return reply.redirect(back, 303)
  })
}
