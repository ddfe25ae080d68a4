import { handle } from '../../../messaging/handler.ts'
import type { Realtime } from '../../../web/realtime.ts'
import { OrderOutcome } from '../messages.ts'

/** On a web node: the answer to an order goes to every socket of the browser session that ordered. */
export const pushOrderOutcome = (realtime: Realtime) =>
  handle(OrderOutcome, (outcome, ctx) => {
    if (ctx.headers.originClient) realtime.toSession(ctx.headers.originClient, 'order:outcome', outcome)
  })
