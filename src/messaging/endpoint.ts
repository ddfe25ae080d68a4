import type { Handle, HandlerRegistration } from './handler.ts'
import type { SagaDefinition } from './saga.ts'
import { sagaHandlers } from './saga.ts'

/** What a context contributes to a process: its handlers and sagas, under one endpoint (queue) name. */
export interface EndpointDefinition {
  readonly name: string
  readonly handlers?: readonly HandlerRegistration[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each saga has its own state type
  readonly sagas?: readonly SagaDefinition<any>[]
  /** One queue per process (a web node's replies and the events it shows live), removed when it stops. */
  readonly perInstance?: boolean
}

export const defineEndpoint = (definition: EndpointDefinition): EndpointDefinition => definition

export const queueOf = (definition: EndpointDefinition, instanceId: string) =>
  definition.perInstance ? `${definition.name}.${instanceId}` : definition.name

/** Every handler of the endpoint by message type, sagas included; several handlers of one type run in order. */
export const handlersOf = (definition: EndpointDefinition, queue: string): Map<string, Handle[]> => {
  const registrations = [...(definition.handlers ?? []), ...sagaHandlers(definition.sagas ?? [], queue)]
  const byType = new Map<string, Handle[]>()
  for (const { message, handle } of registrations) byType.set(message.type, [...(byType.get(message.type) ?? []), handle])
  return byType
}

export const subscribedEvents = (definition: EndpointDefinition, queue: string): string[] =>
  [...new Set([...(definition.handlers ?? []), ...sagaHandlers(definition.sagas ?? [], queue)]
    .filter(({ message }) => message.kind === 'event')
    .map(({ message }) => message.type))]
