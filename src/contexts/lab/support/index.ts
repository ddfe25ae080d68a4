import { fileURLToPath } from 'node:url'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import { handle } from '../../../messaging/handler.ts'
import type { ContextModule } from '../../index.ts'
import { endingHandlers } from '../ending-service.ts'
import { counted } from '../handled.ts'
import { ContractEnded, CustomerUnsubscribed, EndContract, ListUnsubscribed, ReconcileContracts, ReopenContract, UnsubscribedList } from '../messages.ts'

/** The support service: each customer's support contract, ended when they unsubscribe, reopened if the saga gives up. */
export const labSupport: ContextModule = {
  name: 'lab-support',
  messages: [CustomerUnsubscribed, EndContract, ContractEnded, ReopenContract, ReconcileContracts, ListUnsubscribed, UnsubscribedList],
  migrations: { owner: 'lab-support', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: defineEndpoint({
    name: 'lab-support',
    handlers: [
      ...endingHandlers('support', 'lab_support.contracts', { end: EndContract, ended: ContractEnded, reconcile: ReconcileContracts }),
      handle(ReopenContract, async ({ runId, customer }, ctx) => {
        counted(ctx, runId, 'support')
        await ctx.tx.query('update lab_support.contracts set active = true, ended_at = null, changed_at = $3 where run_id = $1 and customer = $2 and not active', [runId, customer, ctx.now])
      }),
    ],
  }),
}
