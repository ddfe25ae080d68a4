import { defineEndpoint } from '../../messaging/endpoint.ts'
import { compensationsProjection } from './projections/compensations.projection.ts'

/** Ops' back end: read models of what the other contexts did, for the people who run Popcorn. */
export const opsEndpoint = defineEndpoint({
  name: 'ops',
  handlers: [...compensationsProjection],
})
