import { defineEndpoint } from '../../messaging/endpoint.ts'
import { openShowtime } from './handlers/open-showtime.handler.ts'
import { showtimeScheduled } from './handlers/showtime-scheduled.handler.ts'
import { submitOrder } from './handlers/submit-order.handler.ts'

export const orderingEndpoint = defineEndpoint({
  name: 'ordering',
  handlers: [showtimeScheduled, openShowtime, submitOrder],
})
