import type { HandlerContext } from '../../messaging/handler.ts'
import type { LabService } from './messages.ts'

/**
 * The lab's instrument: a row per message a lab service handled, in the handler's transaction — so a message counts
 * once however often it is redelivered, and the runs can say how many messages each pattern took.
 */
export const counted = (context: HandlerContext, runId: string, service: LabService) =>
  context.alongside(context.tx.query('insert into lab.handled (run_id, service, message_type, handled_at) values ($1, $2, $3, $4)',
    [runId, service, context.headers.type, context.now]))
