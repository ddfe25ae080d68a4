import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Database } from '../../../messaging/sql.ts'
import type { Delivery } from '../../../messaging/transport.ts'
import type { Names } from './topology.ts'

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** RabbitMQ's x-first-death-* headers, else the first entry of x-death. */
const firstDeath = (headers: Record<string, unknown>) => {
  const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as Record<string, unknown>[]) : []
  const oldest = deaths.at(-1) ?? {} // the newest entry comes first
  return {
    queue: text(headers['x-first-death-queue']) ?? text(oldest.queue),
    reason: text(headers['x-first-death-reason']) ?? text(oldest.reason) ?? 'unknown',
  }
}

/**
 * Moves what RabbitMQ dead-lettered (a message that exceeded its queue's delivery limit: it kept killing or
 * stalling its consumer, so the core never got to record a failure) from the error queue into
 * `messaging.failed_messages`, where the ops pages show it and a person retries or discards it.
 */
export const deadLetterIngester = (deps: { readonly db: Database; readonly names: Names; readonly deliveryLimit: number; readonly logger: Logger }) => {
  const explain = (reason: string, queue: string) =>
    ({
      delivery_limit: `delivered ${deps.deliveryLimit + 1} times without being settled (the delivery limit of ${queue})`,
      rejected: `rejected by a consumer of ${queue}`,
      expired: `expired in ${queue}`,
      maxlen: `dropped by the length limit of ${queue}`,
    })[reason] ?? `dead-lettered from ${queue}`

  return async (delivery: Delivery) => {
    const { headers } = delivery.raw
    const death = firstDeath(headers)
    const queue = death.queue ? deps.names.logical(death.queue) : 'unknown'
    // The broker's x- headers describe this trip through the error queue, not the message.
    const own = Object.fromEntries(Object.entries(headers).filter(([key]) => !key.startsWith('x-')))
    // RabbitMQ drops x-delivery-count when it dead-letters, so only the delivery limit says how many attempts.
    const attempts = death.reason === 'delivery_limit' ? deps.deliveryLimit + 1 : 1
    try {
      const { rowCount } = await deps.db.query(
        `insert into messaging.failed_messages (id, message_id, message_type, queue, headers, body, code, reason, attempts)
         select $1::uuid, $2::text, $3::text, $4::text, $5::jsonb, $6::text, 'DEAD_LETTERED', $7::text, $8::int
         where not exists (select 1 from messaging.failed_messages
                           where message_id is not distinct from $2::text and queue = $4::text and code = 'DEAD_LETTERED' and status = 'unresolved')`,
        [randomUUID(), text(headers.messageId) ?? null, text(headers.type) ?? null, queue, JSON.stringify(own), delivery.raw.body,
          `${death.reason}: ${explain(death.reason, queue)}`, attempts],
      )
      const about = { queue, messageId: headers.messageId, type: headers.type, reason: death.reason }
      if (rowCount > 0) deps.logger.error(about, 'RabbitMQ dead-lettered a message; it is in the error queue')
      else deps.logger.info(about, 'dead letter already in the error queue; dropped the copy')
      await delivery.ack()
    } catch (error) {
      deps.logger.error({ err: error, messageId: headers.messageId }, 'could not record a dead letter; it stays in the error queue')
      await new Promise((resolve) => setTimeout(resolve, 1_000).unref())
      await delivery.release()
    }
  }
}
