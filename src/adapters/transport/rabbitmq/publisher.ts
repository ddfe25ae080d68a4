import type { ConfirmChannel, Options } from 'amqplib'
import type { Logger } from 'pino'
import type { Names } from './topology.ts'

/** A row of messaging.outbox, as the relay reads it. */
export interface OutboxRow {
  readonly id: string
  readonly message_id: string
  readonly destination_kind: 'queue' | 'topic'
  readonly destination: string
  readonly headers: Record<string, unknown>
  readonly body: string
}

/** What became of a batch: rows to delete, rows to try again later, and how many the broker never confirmed. */
export interface Published {
  readonly done: string[]
  readonly unroutable: string[]
  readonly failed: number
  readonly error?: unknown
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

const propertiesOf = (row: OutboxRow): Options.Publish => {
  const sentAt = Date.parse(String(row.headers.sentAt))
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: text(row.headers.messageId) ?? row.message_id,
    type: text(row.headers.type),
    correlationId: text(row.headers.correlationId),
    timestamp: Math.floor((Number.isNaN(sentAt) ? Date.now() : sentAt) / 1000),
    // x- headers belong to the broker (x-delivery-count, x-death): a retried message must not carry old ones.
    headers: Object.fromEntries(Object.entries(row.headers).filter(([key, value]) => !key.startsWith('x-') && value !== undefined && value !== null)),
    // A send to a queue that does not exist would vanish silently; mandatory makes RabbitMQ hand it back.
    mandatory: row.destination_kind === 'queue',
  }
}

export const createPublisher = (deps: {
  readonly open: () => Promise<ConfirmChannel>
  readonly names: Names
  readonly logger: Logger
  readonly isConnected: () => boolean
}) => {
  const { names, logger } = deps
  let channel: Promise<{ channel: ConfirmChannel; returned: Set<string> }> | undefined
  let closed = false

  const open = () =>
    (channel ??= deps.open().then((opened) => {
      const returned = new Set<string>()
      opened.on('error', (error) => logger.warn({ err: error }, 'RabbitMQ closed the publishing channel'))
      opened.on('close', () => void (channel = undefined))
      opened.on('return', (message) => returned.add(`${message.fields.routingKey}\n${message.properties.messageId}`))
      return { channel: opened, returned }
    }, (error: unknown) => {
      channel = undefined
      throw error
    }))

  const target = (row: OutboxRow): [string, string] =>
    row.destination_kind === 'queue' ? ['', names.queue(row.destination)] : [names.events, row.destination]

  return {
    /** Publishes on a confirm channel and waits for every confirm; never throws, the outcome says what happened. */
    async publish(rows: readonly OutboxRow[]): Promise<Published> {
      if (closed || !deps.isConnected()) return { done: [], unroutable: [], failed: rows.length, error: new Error(closed ? 'the transport is closed' : 'not connected to RabbitMQ') }
      let opened: Awaited<ReturnType<typeof open>>
      try {
        opened = await open()
      } catch (error) {
        return { done: [], unroutable: [], failed: rows.length, error }
      }
      const confirms: Promise<void>[] = []
      for (const row of rows) {
        let settle: (error?: unknown) => void = () => {}
        confirms.push(new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve()))))
        try {
          const [exchange, key] = target(row)
          const room = opened.channel.publish(exchange, key, Buffer.from(row.body, 'utf8'), propertiesOf(row), (error) => settle(error ?? undefined))
          if (!room) await new Promise<void>((resolve) => { opened.channel.once('drain', resolve); opened.channel.once('close', resolve) })
        } catch (error) {
          settle(error)
        }
      }
      const results = await Promise.allSettled(confirms)
      const outcome = { done: [] as string[], unroutable: [] as string[], failed: 0, error: undefined as unknown }
      results.forEach((result, i) => {
        const row = rows[i]!
        const key = `${target(row)[1]}\n${propertiesOf(row).messageId}`
        if (result.status === 'rejected') {
          outcome.failed++
          outcome.error ??= result.reason
        } else if (!opened.returned.delete(key)) {
          outcome.done.push(row.id)
        } else if (row.headers.intent === 'reply') {
          // The process that asked is gone with its temporary queue; what it asked about is on record.
          logger.warn({ queue: row.destination, messageId: row.message_id, type: row.headers.type }, 'reply to a queue that no longer exists: dropped')
          outcome.done.push(row.id)
        } else {
          logger.error({ queue: row.destination, messageId: row.message_id, type: row.headers.type }, 'no such queue (its endpoint never started?): the message stays in the outbox and is tried again')
          outcome.unroutable.push(row.id)
        }
      })
      return outcome
    },

    async close() {
      closed = true
      const current = channel
      channel = undefined
      await current?.then((opened) => opened.channel.close()).catch(() => {})
    },
  }
}

export type Publisher = ReturnType<typeof createPublisher>
