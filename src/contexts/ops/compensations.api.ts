import type { FastifyInstance } from 'fastify'
import type { WebDeps } from '../index.ts'
import { compensations } from './compensations.ts'

/** Overselling's cost, per showtime: as JSON, and as a page. */
export const compensationsApi = ({ db }: WebDeps) => async (app: FastifyInstance) => {
  app.get('/api/ops/compensations', async () => compensations(db))

  app.get('/ops/compensations', async (_, reply) =>
    reply.view('contexts/ops/views/compensations.eta', { title: 'Compensations', nav: 'ops', ...(await compensations(db)) }))
}
