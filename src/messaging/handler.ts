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
}

export type Handle = (data: unknown, context: HandlerContext) => unknown

export interface HandlerRegistration {
  readonly message: MessageDefinition
  readonly handle: Handle
}

export const handle = <D extends MessageDefinition>(
  message: D,
  fn: (data: DataOf<D>, context: HandlerContext) => unknown,
): HandlerRegistration => ({ message, handle: fn as Handle })

const buffers = new WeakMap<HandlerContext, OutgoingBuffer>()

export const handlerContext = (headers: Headers, tx: Sql, now: Date, out: OutgoingBuffer): HandlerContext => {
  const context: HandlerContext = {
    headers,
    tx,
    now,
    send: (definition, data, options) => void out.add(definition, data, 'send', options),
    publish: (definition, data) => void out.add(definition, data, 'publish'),
    reply: (definition, data) => void out.add(definition, data, 'reply'),
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
