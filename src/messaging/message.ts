import type { z } from 'zod'
import { unknownMessageType } from './errors.ts'

export type MessageKind = 'command' | 'event' | 'reply'

/**
 * A command split over `count` queues of its owner by a key of its data: commands with one key go to one queue,
 * whose single active consumer handles them one at a time (one writer per showtime).
 */
export interface Partitions<Data = unknown> {
  readonly count: number
  // A method, not a property: a definition typed by its schema's data still fits `MessageDefinition`.
  key(data: Data): string
}

/** A message type: its name, its kind and its schema. Commands name the endpoint that owns (handles) them. */
export interface MessageDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly type: Type
  readonly kind: MessageKind
  readonly schema: Schema
  readonly owner?: string
  readonly partitions?: Partitions<z.infer<Schema>>
}

export type DataOf<D extends MessageDefinition> = z.infer<D['schema']>

export const defineCommand = <Type extends string, Schema extends z.ZodType>(
  type: Type,
  owner: string,
  schema: Schema,
  options?: { readonly partitions: Partitions<z.infer<Schema>> },
): MessageDefinition<Type, Schema> => {
  const partitions = options?.partitions
  if (partitions && !(Number.isInteger(partitions.count) && partitions.count >= 1)) {
    throw new Error(`command "${type}": partitions.count must be a positive integer, got ${partitions.count}`)
  }
  return { type, kind: 'command', owner, schema, ...(partitions && { partitions }) }
}

export const defineEvent = <Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
): MessageDefinition<Type, Schema> => ({ type, kind: 'event', schema })

export const defineReply = <Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
): MessageDefinition<Type, Schema> => ({ type, kind: 'reply', schema })

/** Every message type the process knows, built at the composition root from each context's messages.ts. */
export class MessageCatalog {
  readonly #byType = new Map<string, MessageDefinition>()

  constructor(definitions: Iterable<MessageDefinition>) {
    for (const definition of definitions) {
      const known = this.#byType.get(definition.type)
      if (known && known !== definition) throw new Error(`message type "${definition.type}" is declared twice`)
      this.#byType.set(definition.type, definition)
    }
  }

  get(type: string): MessageDefinition {
    const definition = this.#byType.get(type)
    if (!definition) throw unknownMessageType(type)
    return definition
  }

  has(type: string): boolean {
    return this.#byType.has(type)
  }

  get types(): string[] {
    return [...this.#byType.keys()]
  }
}
