import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { faultLimits, healFaults, readFaults, setFault } from '../../messaging/faults.ts'
import { endpointInstances } from '../../messaging/heartbeats.ts'
import type { MessageCatalog } from '../../messaging/message.ts'
import type { Database } from '../../messaging/sql.ts'
import { formFields } from '../../web/csrf.ts'
import { HttpError, parse, wholeNumber } from '../../web/errors.ts'

export interface FaultsApiDeps {
  readonly db: Database
  /** The declared message types: a fault narrowed to one names one of them. */
  readonly catalog: MessageCatalog
  /** POPCORN_FAULTS=on: otherwise faults are neither set nor read. */
  readonly enabled: boolean
  /** Applies a change in this process at once (the others read it within a second). */
  readonly refresh: () => Promise<void>
}

const endpointParams = z.strictObject({ endpoint: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'an endpoint name (letters, digits, ".", "_", "-")') })
/** The fault as it should be from now on: what is left out is off. */
const faultBody = z.strictObject({
  messageType: z.string().min(1).max(200).optional(),
  delayMs: wholeNumber().pipe(z.number().min(0).max(faultLimits.maxDelayMs, `at most ${faultLimits.maxDelayMs} (ten minutes)`)).default(0),
  failPercent: wholeNumber().pipe(z.number().min(0).max(100, 'a percentage, at most 100')).default(0),
  paused: z.boolean().default(false),
}).refine((body) => !(body.paused && body.messageType), { message: 'pausing stops the whole endpoint consuming: it cannot be narrowed to a message type', path: ['paused'] })

const faultForm = z.strictObject({
  endpoint: z.string().max(100),
  messageType: z.string().max(200).optional(),
  delayMs: z.string().max(10).default('0'),
  failPercent: z.string().max(10).default('0'),
  paused: z.literal('on').optional(),
})

/** The backend endpoints heard of in the last day (a web node's own queue is never faulted). */
const knownEndpoints = async (db: Database) => [...(await endpointInstances(db, new Date())).keys()].filter((name) => name !== 'web').sort()

/**
 * Ops' fault switches (admins only, as all of /api/ops), when the configuration allows them: an endpoint's messages
 * delayed, failing with a probability, or left waiting in its queue; healed by turning its faults off.
 */
export const faultsApi = ({ db, catalog, enabled, refresh }: FaultsApiDeps) => async (app: FastifyInstance) => {
  const current = async () => ({ enabled, endpoints: await knownEndpoints(db), faults: enabled ? await readFaults(db) : [] })
  const allowed = () => {
    if (!enabled) throw new HttpError('FAULTS_OFF', 'fault injection is off on this site: start its processes with POPCORN_FAULTS=on to use it; nothing was changed')
  }
  const endpointOf = async (params: unknown, orFaulted = false) => {
    const { endpoint } = parse(endpointParams, params, 'endpoint')
    const known = await knownEndpoints(db)
    const faulted = orFaulted && (await readFaults(db)).some((fault) => fault.endpoint === endpoint)
    if (!known.includes(endpoint) && !faulted) throw new HttpError('NOT_FOUND', `no endpoint "${endpoint}" has run in the last day; known: ${known.join(', ') || 'none'}`)
    return endpoint
  }

  app.get('/api/ops/faults', current)

  const set = async (params: unknown, body: unknown) => {
    allowed()
    const endpoint = await endpointOf(params)
    const { messageType, ...fault } = parse(faultBody, body ?? {}, 'fault')
    if (messageType !== undefined && !catalog.has(messageType)) throw new HttpError('BAD_REQUEST', `invalid fault: no message type "${messageType}" is declared`)
    await setFault(db, { endpoint, ...(messageType !== undefined && { messageType }), ...fault }, new Date())
    await refresh()
  }
  const heal = async (params: unknown) => {
    allowed()
    const healed = await healFaults(db, await endpointOf(params, true))
    await refresh()
    return healed
  }

  app.put('/api/ops/faults/:endpoint', async (request) => {
    await set(request.params, request.body)
    return current()
  })

  app.delete('/api/ops/faults/:endpoint', async (request) => ({ healed: await heal(request.params), ...(await current()) }))

  // The console's forms, for when its script does not run (and its "set" form always): a form's fields as text.
  app.post('/ops/faults', async (request, reply) => {
    const { endpoint, messageType, paused, ...fields } = parse(faultForm, formFields(request.body), 'fault')
    await set({ endpoint }, { ...fields, ...(messageType && { messageType }), paused: paused === 'on' })
    return reply.redirect('/ops?done=fault', 303)
  })
  app.post('/ops/faults/:endpoint/heal', async (request, reply) => {
    await heal(request.params)
    return reply.redirect('/ops?done=healed', 303)
  })
}
