import { misconfiguredEndpoint } from './errors.ts'
import type { HandlerRegistration } from './handler.ts'
import { partitionQueues } from './partitions.ts'
import type { SagaDefinition } from './saga.ts'
import { sagaHandlers } from './saga.ts'

/** What a context contributes to a process: its handlers and sagas, under one endpoint (queue) name. */
export interface EndpointDefinition {
  readonly name: string
  readonly handlers?: readonly HandlerRegistration[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each saga has its own state type
  readonly sagas?: readonly SagaDefinition<any>[]
  /**
   * One queue per process (a web node's replies and the events it shows live), removed when it stops. Its inbox is
   * kept in memory: the queue lives and dies with the process, and so do the duplicates it could be sent.
   */
  readonly perInstance?: boolean
  /**
   * Consumes `${name}.p0 … p${partitions - 1}` besides its queue, each one message at a time by a single active
   * consumer across all processes: the partitioned commands it handles (their count must match) are then handled
   * one at a time per key. A consumer's lease can run out under a paused process, so handlers that must never
   * interleave also write with an expected version: this is the mechanism, the expected version the safety net.
   */
  readonly partitions?: number
}

export const defineEndpoint = (definition: EndpointDefinition): EndpointDefinition => definition

export const queueOf = (definition: EndpointDefinition, instanceId: string) =>
  definition.perInstance ? `${definition.name}.${instanceId}` : definition.name

const registrationsOf = (definition: EndpointDefinition, queue: string): HandlerRegistration[] =>
  [...(definition.handlers ?? []), ...sagaHandlers(definition.sagas ?? [], queue)]

/** Every handler of the endpoint by message type, sagas included; several handlers of one type run in order. */
export const handlersOf = (definition: EndpointDefinition, queue: string): Map<string, HandlerRegistration[]> => {
  const byType = new Map<string, HandlerRegistration[]>()
  for (const registration of registrationsOf(definition, queue)) {
    byType.set(registration.message.type, [...(byType.get(registration.message.type) ?? []), registration])
  }
  return byType
}

export const subscribedEvents = (definition: EndpointDefinition, queue: string): string[] =>
  [...new Set(registrationsOf(definition, queue).filter(({ message }) => message.kind === 'event').map(({ message }) => message.type))]

/** The partition queues an endpoint consumes; throws when a partitioned command it handles would miss them. */
export const partitionQueuesOf = (definition: EndpointDefinition, queue: string): string[] => {
  const count = definition.partitions
  const refuse = (reason: string): never => { throw misconfiguredEndpoint(definition.name, reason) }
  if (count !== undefined && !(Number.isInteger(count) && count >= 1)) refuse(`partitions must be a positive integer, got ${count}`)
  if (count !== undefined && definition.perInstance) refuse('a per-instance endpoint cannot own partitions')
  for (const { message } of registrationsOf(definition, queue)) {
    if (!message.partitions) continue
    if (message.owner !== definition.name) refuse(`"${message.type}" is partitioned over the queues of "${message.owner}", never this endpoint's`)
    if (message.partitions.count !== count) {
      refuse(`"${message.type}" is split over ${message.partitions.count} partitions but the endpoint consumes ${count ?? 'none'}: set partitions: ${message.partitions.count}`)
    }
  }
  return count === undefined ? [] : partitionQueues(definition.name, count)
}
