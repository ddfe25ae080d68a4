import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { parse } from '../../web/errors.ts'
import { showtimeId } from './join.ts'
import { modes } from './room.rules.ts'
import { overview, setRoom } from './room-admin.ts'
import type { RoomDeps } from './settings.ts'

const roomParams = z.object({ showtimeId })
const rate = z.number().min(0, 'an outflow is 0 or more people per second').max(1_000_000)
const change = z.object({
  mode: z.enum(modes),
  /** People per second; null follows the workers' measured capacity; left out, unchanged. */
  ratePerSecond: rate.nullable().optional(),
}).strict()
/** The admin page's form: an empty rate follows the workers. */
const formChange = z.object({
  mode: z.enum(modes),
  ratePerSecond: z.string().max(20).optional()
    .transform((text) => (text === undefined || text.trim() === '' ? null : Number(text)))
    .pipe(rate.nullable()),
})

/** The admin's view of every waiting room, and the switches: on, off, auto, and a fixed outflow. */
export const registerAdmin = (deps: RoomDeps) => async (admin: FastifyInstance) => {
  // Under /admin and /api/admin: the app's admin guard stands in front of every route here.
  admin.get('/api/admin/waiting-rooms', async () => overview(deps))

  admin.put('/api/admin/waiting-rooms/:showtimeId', async (request) => {
    const { showtimeId } = parse(roomParams, request.params, 'path')
    const { mode, ratePerSecond } = parse(change, request.body, 'room settings')
    return { room: await setRoom(deps, showtimeId, { mode, fixedRate: ratePerSecond }) }
  })

  admin.get('/admin/waiting-rooms', async (_, reply) =>
    reply.view('contexts/waiting-room/views/admin.eta', { title: 'Waiting rooms', ...(await overview(deps)) }))

  // The page's "switch on a room before anyone comes": the showtime comes in the form.
  admin.post('/admin/waiting-rooms', async (request, reply) => {
    const { showtimeId } = parse(roomParams, { showtimeId: (request.body as { showtimeId?: unknown } | undefined)?.showtimeId }, 'form')
    const { mode, ratePerSecond } = parse(formChange, request.body, 'room settings')
    await setRoom(deps, showtimeId, { mode, fixedRate: ratePerSecond })
    return reply.redirect('/admin/waiting-rooms', 303)
  })

  admin.post('/admin/waiting-rooms/:showtimeId', async (request, reply) => {
    const { showtimeId } = parse(roomParams, request.params, 'path')
    const { mode, ratePerSecond } = parse(formChange, request.body, 'room settings')
    await setRoom(deps, showtimeId, { mode, fixedRate: ratePerSecond })
    return reply.redirect('/admin/waiting-rooms', 303)
  })
}
