import type { Headers } from './envelope.ts'
import type { DataOf, MessageDefinition } from './message.ts'
import type { OutgoingBuffer, SendOptions } from './outgoing.ts'
import type { Sql } from './sql.ts'

/** A handler's only ways out: its transaction for state, and send / publish / reply, all committed together. */
export interface HandlerContext {
  readonly headers: Headers
  readonly tx: Sql
  /** The time the handling started: the domain takes time from here, never from `new Date()`. */
  readonly now: Date
  send<D extends MessageDefinition>(definition: D, data: DataOf<D>, options?: SendOptions): void
  publish<D extends MessageDefinition>(definition: D, data: DataOf<D>): void
  reply<D extends MessageDefinition>(definition: D, data: DataOf<D>): void
  /**
   * A write on `tx` whose result the handler does not need: it runs while the handler goes on (deciding, answering),
   * and the transaction commits only once it succeeded. Its failure fails the handling as a throw would.
   */
  alongside(write: Promise<unknown>): void
}

export type Handle = (data: unknown, context: HandlerContext) => unknown

/** One message of a batch: its data, and its own context (its headers, its sends) on the batch's transaction. */
export interface BatchItem<Data = unknown> {
  readonly data: Data
  readonly context: HandlerContext
}

/** Handles a run of messages of one type in arrival order, in one transaction: for a hot key's single writer. */
export type HandleBatch = (items: readonly BatchItem[]) => unknown

export interface HandlerRegistration {
  readonly message: MessageDefinition
  readonly handle: Handle
  /** Present when the handler takes a run of its messages at once; `handle` is then that for a run of one. */
  readonly batch?: HandleBatch
}

export const handle = <D extends MessageDefinition>(
  message: D,
  fn: (data: DataOf<D>, context: HandlerContext) => unknown,
): HandlerRegistration => ({ message, handle: fn as Handle })

/**
 * A handler for many messages of one type at once. The pipeline hands it every consecutive message of that type in a
 * batch (duplicates already removed by the inbox); each item's context sends, publishes and replies as that message.
 */
export const handleBatch = <D extends MessageDefinition>(
  message: D,
  fn: (items: readonly BatchItem<DataOf<D>>[]) => unknown,
): HandlerRegistration => {
  const batch = fn as HandleBatch
  return { message, batch, handle: (data, context) => batch([{ data, context }]) }
}

/**
 * The statements of one transaction still running while its handlers go on. The database runs them in the order they
 * were sent, so the main thread prepares what comes next (outcomes, replies, bundles) while they run, instead of
 * each waiting for the other; the transaction ends only once none is left.
 */
export class Alongside {
  private readonly running: Promise<void>[] = []
  private failure: { readonly error: unknown } | undefined

  add(write: Promise<unknown>) {
    this.running.push(write.then(() => {}, (error: unknown) => { this.failure ??= { error } }))
  }

  /** Every write done; throws the first failure. */
  async done() {
    await Promise.all(this.running)
    if (this.failure) throw this.failure.error
  }

  /**
   * Every write over, failed or not (a transaction is never ended under a statement of its own); then the error to
   * report for a handling that threw: a write's failure, when one failed, since every statement after it failed for it.
   */
  async settledAfter(thrown: unknown): Promise<unknown> {
    await Promise.all(this.running)
    return this.failure ? this.failure.error : thrown
  }
}

const buffers = new WeakMap<HandlerContext, OutgoingBuffer>()

export const handlerContext = (headers: Headers, tx: Sql, now: Date, out: OutgoingBuffer, writes: Alongside): HandlerContext => {
  const context: HandlerContext = {
    headers,
    tx,
    now,
    send: (definition, data, options) => void out.add(definition, data, 'send', options),
    publish: (definition, data) => void out.add(definition, data, 'publish'),
    reply: (definition, data) => void out.add(definition, data, 'reply'),
    alongside: (write) => writes.add(write),
  }
  buffers.set(context, out)
  return context
}

/** The buffer behind a context, for the core's own handlers (saga timeouts) that send to a named queue. */
export const outgoingOf = (context: HandlerContext): OutgoingBuffer => {
  const out = buffers.get(context)
  if (!out) throw new Error('not a context made by the handler pipeline')
  return out
}
