import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { readSwitch, setSwitch, switches } from '../../messaging/switches.ts'
import { parse, wholeNumber } from '../../web/errors.ts'
import type { WebDeps } from '../index.ts'

type SwitchName = keyof typeof switches
const names = Object.keys(switches) as SwitchName[]
const valueOf = (name: SwitchName) => wholeNumber().pipe(z.number().min(switches[name].off).max(switches[name].max, `at most ${switches[name].max}`))
const settings = z.strictObject(Object.fromEntries(names.map((name) => [name, valueOf(name).optional()])) as Record<SwitchName, z.ZodOptional<ReturnType<typeof valueOf>>>)
  .refine((body) => Object.values(body).some((v) => v !== undefined), `name a switch: ${names.join(', ')}`)
const switchForm = settings.and(z.object({ back: z.enum(['/admin/accounts', '/admin/catalog', '/admin', '/ops']).default('/admin') }))

/**
 * Ops' switches (admins only, as everything under /ops and /admin), each off unless turned on: the delay on shared
 * projections (the lag between a write and what everyone else sees, made visible on purpose), and the dev payment
 * provider made slow or declining.
 */
export const switchesApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  const current = async () => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readSwitch(db, switches[name])])))
  const turn = async (body: Partial<Record<SwitchName, number>>) => {
    for (const name of names) if (body[name] !== undefined) await setSwitch(db, switches[name], body[name], new Date())
  }
  app.get('/api/ops/switches', current)
  app.put('/api/ops/switches', async (request) => {
    await turn(parse(settings, request.body, 'switches'))
    return current()
  })
  app.post('/admin/switches', async (request, reply) => {
    const { back, ...body } = parse(switchForm, request.body, 'switches')
    await turn(body)
    return reply.redirect(back, 303)
  })
}
