import { handle } from '../../../messaging/handler.ts'
import type { Realtime } from '../../../web/realtime.ts'
import type { EdgeEstimate } from '../edge-estimate.ts'
import { OrderOutcome } from '../messages.ts'

/**
 * On a web node: the answer to an order goes to every socket of the browser session that ordered. It is also how the
 * node learns that an order it accepted at the edge was decided: its seats are in the writer's seats left from now.
 */
export const pushOrderOutcome = (realtime: Realtime, estimate?: EdgeEstimate) =>
  handle(OrderOutcome, (outcome, ctx) => {
    estimate?.settle(outcome.orderId)
    if (ctx.headers.originClient) realtime.toSession(ctx.headers.originClient, 'order:outcome', outcome)
  })
