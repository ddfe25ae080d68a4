import type { RawMessage } from './envelope.ts'
import type { Sql } from './sql.ts'

/** Where a message goes: one queue (commands, replies, timeouts, retries) or every subscriber of an event type. */
export type Destination = { readonly queue: string } | { readonly topic: string }

export interface Outgoing {
  readonly destination: Destination
  readonly message: RawMessage
  readonly messageId: string
  /** Not before this moment: delayed retries and saga timeouts. */
  readonly deliverAt?: Date
}

export interface EndpointSpec {
  readonly queue: string
  /** Event types this queue subscribes to. */
  readonly events: readonly string[]
  /** A per-process queue (a web node's replies): removed when the process stops, never durable. */
  readonly temporary: boolean
  /**
   * One consumer at a time across every process takes messages from this queue; another takes over when it stops or
   * dies (RabbitMQ: x-single-active-consumer; the database queue: a lease in messaging.queue_owners).
   */
  readonly singleActiveConsumer?: boolean
}

/** One message handed to a consumer. Settle it exactly one way. */
export interface Delivery {
  readonly raw: RawMessage
  /** 1 on first delivery; more when the transport redelivers (a crash, a lease that ran out). */
  readonly deliveryCount: number
  /** Inside the handler's transaction: the database queue deletes its row here, so handling and settling are one. */
  completeWithin(tx: Sql): Promise<void>
  /** After commit: the broker forgets the message. */
  ack(): Promise<void>
  /** Give it back untouched (shutting down, or the database is unreachable). */
  release(): Promise<void>
}

export interface Consumer {
  /** Stops taking new messages and waits for those in hand to settle. */
  stop(): Promise<void>
}

export interface ConsumeOptions {
  /** Messages in hand at once: the claim size of the database queue, RabbitMQ's prefetch. */
  readonly concurrency: number
}

/**
 * The transport port. Sending is always part of a database transaction: the database queue writes its rows in it,
 * RabbitMQ writes an outbox row in it and publishes after commit (the returned flush) — so a handler's state,
 * the messages it sends and the record that it ran commit together.
 */
export interface Transport {
  readonly kind: 'db' | 'rabbitmq'
  declare(spec: EndpointSpec): Promise<void>
  enqueue(tx: Sql, messages: readonly Outgoing[]): Promise<Flush>
  /** Settles a batch of this transport's deliveries inside one transaction (one statement on the database queue). */
  completeAllWithin(tx: Sql, deliveries: readonly Delivery[]): Promise<void>
  consume(queue: string, onDelivery: (delivery: Delivery) => Promise<void>, options: ConsumeOptions): Promise<Consumer>
  /** Removes a temporary queue and its subscriptions. */
  remove(spec: EndpointSpec): Promise<void>
  /** Messages waiting in these queues (ready, not yet taken); a queue it cannot find is left out. */
  depths(queues: readonly string[]): Promise<Map<string, number>>
  close(): Promise<void>
}

/** Hands over what `enqueue` wrote, once its transaction has committed. Safe to skip: a sweeper catches up. */
export type Flush = () => Promise<void>

export const noFlush: Flush = async () => {}
