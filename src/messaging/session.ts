import type { Headers } from './envelope.ts'
import { GroupCommit, type GroupCommitSettings } from './group-commit.ts'
import type { DataOf, MessageDefinition } from './message.ts'
import { OutgoingBuffer, type OutgoingLimits, type SendOptions } from './outgoing.ts'
import type { Database, Sql } from './sql.ts'
import { sendTraceHere, type SendTrace } from './tracing.ts'
import type { Transport } from './transport.ts'

export interface Origin {
  /** The browser session the conversation starts from; replies and events caused by it carry it along. */
  readonly originClient?: string
  readonly correlationId?: string
}

export interface SessionOutbox {
  send<D extends MessageDefinition>(definition: D, data: DataOf<D>, options?: SendOptions): Headers
  publish<D extends MessageDefinition>(definition: D, data: DataOf<D>, options?: SendOptions): Headers
}

export type SessionWork<T> = (tx: Sql, out: SessionOutbox) => Promise<T>

interface Member {
  readonly work: SessionWork<unknown>
  readonly origin: Origin
  /** The caller's span (a request, a socket event), taken when it called: a group commits in another's context. */
  readonly trace?: SendTrace
}

interface SessionDeps {
  readonly db: Database
  readonly transport: Transport
  readonly limits: OutgoingLimits
  readonly clock: () => Date
}

/**
 * Sending from outside a handler (the web server). A message is durable when the call returns: it is written in a
 * committed transaction, the caller's own when it stores something alongside (`transaction`), or one it shares with
 * the requests that arrived with it (`grouped`).
 */
export class MessageSession {
  private readonly group: GroupCommit<Member> | undefined

  constructor(
    private readonly deps: SessionDeps,
    private readonly sender: { readonly endpoint: string; readonly replyTo?: string },
    grouping?: GroupCommitSettings,
  ) {
    this.group = grouping && new GroupCommit((members) => this.commit(members), grouping)
  }

  /** The same session, whose `grouped` work shares transactions within the window: one group per returned session. */
  withGroupCommit(grouping: GroupCommitSettings): MessageSession {
    return new MessageSession(this.deps, this.sender, grouping)
  }

  send<D extends MessageDefinition>(definition: D, data: DataOf<D>, options: SendOptions & Origin = {}): Promise<Headers> {
    return this.transaction(async (_, out) => out.send(definition, data, options), options)
  }

  publish<D extends MessageDefinition>(definition: D, data: DataOf<D>, options: SendOptions & Origin = {}): Promise<Headers> {
    return this.transaction(async (_, out) => out.publish(definition, data, options), options)
  }

  /** State and messages in one transaction of their own: both commit, or neither. */
  async transaction<T>(work: SessionWork<T>, origin: Origin = {}): Promise<T> {
    return (await this.commit([this.member(work, origin)]))[0] as T
  }

  /**
   * Like `transaction`, but the transaction may be shared with other requests arriving within the group's window
   * (group commit): answered once it committed; failing alone when its work throws. Without group commit
   * configured, a transaction of its own. The work may run twice (see GroupCommit), so it touches only `tx` and `out`.
   */
  async grouped<T>(work: SessionWork<T>, origin: Origin = {}): Promise<T> {
    return this.group ? ((await this.group.add(this.member(work, origin))) as T) : this.transaction(work, origin)
  }

  private member(work: SessionWork<unknown>, origin: Origin): Member {
    const trace = sendTraceHere(this.deps.transport.kind)
    return trace ? { work, origin, trace } : { work, origin }
  }

  /**
   * Every member's work and messages in one transaction, then one flush after its commit. Members run at once, so
   * that the statements they have in common can go out as one (see `together`); a connection still runs one
   * statement at a time. When one fails, the others are let finish before the transaction rolls back.
   */
  private async commit(members: readonly Member[]): Promise<unknown[]> {
    const now = this.deps.clock()
    const [flush, results] = await this.deps.db.transaction(async (tx) => {
      const buffers = members.map((member) => new OutgoingBuffer(this.deps.limits, now, this.sender, undefined, member.origin, member.trace))
      const settled = await Promise.allSettled(members.map((member, i) => member.work(tx, outboxOf(buffers[i]!))))
      const failed = settled.find((outcome) => outcome.status === 'rejected')
      if (failed) throw failed.reason
      const values = settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value)
      return [await this.deps.transport.enqueue(tx, buffers.flatMap((buffer) => buffer.messages)), values] as const
    })
    await flush()
    return results
  }
}

const outboxOf = (buffer: OutgoingBuffer): SessionOutbox => ({
  send: (definition, data, options) => buffer.add(definition, data, 'send', options),
  publish: (definition, data, options) => buffer.add(definition, data, 'publish', options),
})
