import type { ZodType } from 'zod'
import { handle, type HandlerRegistration } from '../../messaging/handler.ts'
import type { MessageDefinition } from '../../messaging/message.ts'
import type { Sql } from '../../messaging/sql.ts'
import { counted } from './handled.ts'
import { CustomerUnsubscribed, ListUnsubscribed, UnsubscribedList, type LabService } from './messages.ts'

type OfCustomer = { runId: string; customer: number }

/**
 * What support and billing each do with a customer who unsubscribed — end their part (a contract, a subscription,
 * in a table of their own) — however they hear of it: the profile's event (choreography), the saga's request, which
 * they answer, the same if asked twice (orchestration), or their own scheduled job asking the profile (background sync).
 */
export const endingHandlers = (service: LabService, table: string, messages: {
  readonly end: MessageDefinition<string, ZodType<OfCustomer & { attempt: number }>>
  readonly ended: MessageDefinition<string, ZodType<OfCustomer>>
  readonly reconcile: MessageDefinition<string, ZodType<{ runId: string }>>
}): HandlerRegistration[] => {
  const end = (tx: Sql, runId: string, customers: readonly number[], at: Date) =>
    tx.query(`update ${table} set active = false, ended_at = $3, changed_at = $3 where run_id = $1 and customer = any($2::int[]) and active`, [runId, customers, at])
  return [
    handle(CustomerUnsubscribed, async ({ runId, customer }, ctx) => {
      counted(ctx, runId, service)
      await end(ctx.tx, runId, [customer], ctx.now)
    }),
    handle(messages.end, async ({ runId, customer }, ctx) => {
      counted(ctx, runId, service)
      await end(ctx.tx, runId, [customer], ctx.now)
      ctx.reply(messages.ended, { runId, customer })
    }),
    handle(messages.reconcile, ({ runId }, ctx) => {
      counted(ctx, runId, service)
      ctx.send(ListUnsubscribed, { runId })
    }),
    handle(UnsubscribedList, async ({ runId, customers }, ctx) => {
      counted(ctx, runId, service)
      await end(ctx.tx, runId, customers, ctx.now)
    }),
  ]
}
