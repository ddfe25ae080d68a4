import { fileURLToPath } from 'node:url'
import { defineEndpoint } from '../../../messaging/endpoint.ts'
import { handle } from '../../../messaging/handler.ts'
import type { ContextModule } from '../../index.ts'
import { counted } from '../handled.ts'
import { ContractEnded, CustomerUnsubscribed, EndContract, EndSubscription, ListUnsubscribed, ReopenContract, RestoreSubscription, SubscriptionEnded, Unsubscribe, UnsubscribedList } from '../messages.ts'
import { tell } from './customers.ts'
import { unsubscribeSaga, type OrchestrationSettings } from './unsubscribe.saga.ts'

export const orchestration: OrchestrationSettings = { answerWithinMs: 2_000, attempts: 5 }

/**
 * The customer's unsubscribing, as the profile takes it: unsubscribed here at once; then, per pattern, nothing more
 * (background sync finds it later), an event for whoever cares (choreography), or a saga that asks the others in turn
 * (orchestration, unsubscribe.saga.ts: the customer is told it is being worked on until the saga ends).
 */
const onUnsubscribe = handle(Unsubscribe, async ({ runId, customer, pattern }, ctx) => {
  counted(ctx, runId, 'profile')
  const { rowCount } = await ctx.tx.query(
    'update lab_profile.customers set subscribed = false, requested_at = $3, changed_at = $3 where run_id = $1 and customer = $2 and requested_at is null', [runId, customer, ctx.now])
  if (!rowCount) return
  await tell(ctx.tx, runId, customer, pattern === 'orchestration' ? 'working-on-it' : 'unsubscribed', ctx.now)
  if (pattern === 'choreography') ctx.publish(CustomerUnsubscribed, { runId, customer })
})

/** Background sync: what the profile answers a service's job that asks who unsubscribed. */
const onListUnsubscribed = handle(ListUnsubscribed, async ({ runId }, ctx) => {
  counted(ctx, runId, 'profile')
  const { rows } = await ctx.tx.query<{ customer: number }>('select customer from lab_profile.customers where run_id = $1 and not subscribed order by customer', [runId])
  ctx.reply(UnsubscribedList, { runId, customers: rows.map((r) => r.customer) })
})

/** The profile service, its saga asking and waiting as `settings` say (a test gives up sooner). */
export const labProfileWith = (settings: OrchestrationSettings): ContextModule => ({
  name: 'lab-profile',
  messages: [Unsubscribe, CustomerUnsubscribed, EndContract, EndSubscription, ContractEnded, SubscriptionEnded, ReopenContract, RestoreSubscription, ListUnsubscribed, UnsubscribedList],
  migrations: { owner: 'lab-profile', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  endpoint: defineEndpoint({ name: 'lab-profile', handlers: [onUnsubscribe, onListUnsubscribed], sagas: [unsubscribeSaga(settings)] }),
})

export const labProfile = labProfileWith(orchestration)
