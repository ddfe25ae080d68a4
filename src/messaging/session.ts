import type { Headers } from './envelope.ts'
import type { DataOf, MessageDefinition } from './message.ts'
import { OutgoingBuffer, type OutgoingLimits, type SendOptions } from './outgoing.ts'
import type { Database, Sql } from './sql.ts'
import type { Transport } from './transport.ts'

export interface Origin {
  /** The browser session the conversation starts from; replies and events caused by it carry it along. */
  readonly originClient?: string
  readonly correlationId?: string
}

export interface SessionOutbox {
  send<D extends MessageDefinition>(definition: D, data: DataOf<D>, options?: SendOptions): Headers
  publish<D extends MessageDefinition>(definition: D, data: DataOf<D>): Headers
}

/**
 * Sending from outside a handler (the web server). A message is durable when the call returns: it is written in a
 * committed transaction, the caller's own when it stores something alongside (`transaction`).
 */
export class MessageSession {
  constructor(
    private readonly deps: { readonly db: Database; readonly transport: Transport; readonly limits: OutgoingLimits; readonly clock: () => Date },
    private readonly sender: { readonly endpoint: string; readonly replyTo?: string },
  ) {}

  send<D extends MessageDefinition>(definition: D, data: DataOf<D>, options: SendOptions & Origin = {}): Promise<Headers> {
    return this.transaction(async (_, out) => out.send(definition, data, options), options)
  }

  publish<D extends MessageDefinition>(definition: D, data: DataOf<D>, options: Origin = {}): Promise<Headers> {
    return this.transaction(async (_, out) => out.publish(definition, data), options)
  }

  /** State and messages in one transaction: both commit, or neither. */
  async transaction<T>(work: (tx: Sql, out: SessionOutbox) => Promise<T>, origin: Origin = {}): Promise<T> {
    const buffer = new OutgoingBuffer(this.deps.limits, this.deps.clock(), this.sender, undefined, origin)
    const outbox: SessionOutbox = {
      send: (definition, data, options) => buffer.add(definition, data, 'send', options),
      publish: (definition, data) => buffer.add(definition, data, 'publish'),
    }
    let result: T
    const flush = await this.deps.db.transaction(async (tx) => {
      result = await work(tx, outbox)
      return this.deps.transport.enqueue(tx, buffer.messages)
    })
    await flush()
    return result!
  }
}
