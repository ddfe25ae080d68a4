import { z } from 'zod'
import type { SagaContext } from '../../../messaging/saga.ts'
import { saga } from '../../../messaging/saga.ts'
import { counted } from '../handled.ts'
import { ContractEnded, EndContract, EndSubscription, ReopenContract, RestoreSubscription, SubscriptionEnded, Unsubscribe } from '../messages.ts'
import { tell } from './customers.ts'

/** How long the saga waits for a service's answer before it asks again, and how often it asks before it gives up. */
export interface OrchestrationSettings {
  readonly answerWithinMs: number
  readonly attempts: number
}

const state = z.object({
  runId: z.uuid(),
  customer: z.number().int(),
  /** Whom it waits for; `gave-up`: it compensated, and stays a while to undo what a late answer says was done. */
  step: z.enum(['support', 'billing', 'gave-up']),
  attempt: z.number().int().min(1),
})
type State = z.infer<typeof state>
const policy = saga('lab-unsubscribe', state)
const silence = z.object({ step: z.enum(['support', 'billing']), attempt: z.number().int() })

/** How long a saga that gave up stays to undo late answers (a service back after a long outage answers then). */
const staysAfterGivingUpMs = 10 * 60_000

const ask = (s: State, ctx: SagaContext, settings: OrchestrationSettings): State => {
  const request = { runId: s.runId, customer: s.customer, attempt: s.attempt }
  if (s.step === 'support') ctx.send(EndContract, request)
  else ctx.send(EndSubscription, request)
  ctx.requestTimeout(new Date(ctx.now.getTime() + settings.answerWithinMs), 'silence', { step: s.step, attempt: s.attempt })
  return s
}

/**
 * Orchestration: one saga per customer who unsubscribes, correlated by run and customer.
 *
 *   1. Unsubscribe (orchestration) → ask support to end the contract; wait for its answer.
 *      Compensation: none (nothing changed elsewhere yet).
 *   2. ContractEnded → ask billing to end the subscription; wait.
 *      Compensation: reopen the contract (ReopenContract), should billing never answer.
 *   3. SubscriptionEnded → tell the customer it is done; complete.
 *
 * Silence (a timeout) asks again, up to `attempts` times; then the saga gives up: it compensates the steps done, and
 * the customer, unsubscribed at first in the profile, is told they are still subscribed. A service that was only slow
 * answers a request already answered the same way. A service that was down takes the requests that waited for it when
 * it is back — after the saga gave up — and ends what the saga no longer wants ended: the saga stays a while for those
 * late answers and undoes each (ReopenContract, RestoreSubscription), so that all three end up agreeing.
 */
export const unsubscribeSaga = (settings: OrchestrationSettings) => policy.define({
  steps: [
    policy.step(Unsubscribe, {
      starts: true,
      correlate: ({ runId, customer }) => `${runId}:${customer}`,
      handle: (before, { runId, customer, pattern }, ctx) =>
        pattern !== 'orchestration' || before ? before : ask({ runId, customer, step: 'support', attempt: 1 }, ctx, settings),
    }),
    policy.step(ContractEnded, {
      correlate: ({ runId, customer }) => `${runId}:${customer}`,
      handle: (s, { runId, customer }, ctx) => {
        counted(ctx, runId, 'profile')
        if (s?.step === 'gave-up') ctx.send(ReopenContract, { runId, customer })
        return s?.step === 'support' ? ask({ ...s, step: 'billing', attempt: 1 }, ctx, settings) : s
      },
    }),
    policy.step(SubscriptionEnded, {
      correlate: ({ runId, customer }) => `${runId}:${customer}`,
      handle: async (s, { runId, customer }, ctx) => {
        counted(ctx, runId, 'profile')
        if (s?.step === 'gave-up') ctx.send(RestoreSubscription, { runId, customer })
        if (s?.step !== 'billing') return s
        await tell(ctx.tx, runId, customer, 'unsubscribed', ctx.now)
        ctx.markAsComplete()
        return s
      },
    }),
  ],
  timeouts: {
    forget: (s, _, ctx) => {
      ctx.markAsComplete()
      return s
    },
    silence: async (s, data, ctx) => {
      counted(ctx, s.runId, 'profile')
      const { step, attempt } = silence.parse(data)
      if (step !== s.step || attempt !== s.attempt) return s // answered meanwhile
      if (attempt < settings.attempts) return ask({ ...s, attempt: attempt + 1 }, ctx, settings)
      if (s.step === 'billing') ctx.send(ReopenContract, { runId: s.runId, customer: s.customer })
      await ctx.tx.query('update lab_profile.customers set subscribed = true, changed_at = $3 where run_id = $1 and customer = $2', [s.runId, s.customer, ctx.now])
      await tell(ctx.tx, s.runId, s.customer, 'still-subscribed', ctx.now)
      ctx.requestTimeout(new Date(ctx.now.getTime() + staysAfterGivingUpMs), 'forget')
      return { ...s, step: 'gave-up' }
    },
  },
})
