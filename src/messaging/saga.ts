import { z } from 'zod'
import { SagaConcurrencyError } from './errors.ts'
import { outgoingOf, type HandlerContext, type HandlerRegistration } from './handler.ts'
import type { DataOf, MessageDefinition } from './message.ts'
import type { OutgoingBuffer } from './outgoing.ts'
import type { Sql } from './sql.ts'

/** A long-running policy: state correlated by a message property, persisted with optimistic concurrency. */
export interface SagaContext extends HandlerContext {
  /** Delivers `name` to this saga at `at`; durable, so it fires after a restart too. */
  requestTimeout(at: Date, name: string, data?: unknown): void
  markAsComplete(): void
}

type Reaction<State, Data> = (state: State, data: Data, context: SagaContext) => State | Promise<State>

export interface SagaStep<State> {
  readonly message: MessageDefinition
  readonly correlate: (data: never) => string
  readonly starts: boolean
  readonly handle: Reaction<State | undefined, never>
}

export interface SagaDefinition<State> {
  readonly name: string
  readonly state: z.ZodType<State>
  readonly steps: readonly SagaStep<State>[]
  readonly timeouts: Readonly<Record<string, Reaction<State, unknown>>>
}

/**
 * Starts a saga's declaration with its name and state schema, so its steps and timeouts are typed by that state:
 * `const visit = saga('visit', schema); export const visitSaga = visit.define({ steps: [visit.step(…)], timeouts })`.
 */
export const saga = <State>(name: string, state: z.ZodType<State>) => ({
  step: <D extends MessageDefinition>(
    message: D,
    options: { correlate: (data: DataOf<D>) => string; starts?: boolean; handle: Reaction<State | undefined, DataOf<D>> },
  ): SagaStep<State> => ({ message, correlate: options.correlate, starts: options.starts ?? false, handle: options.handle as SagaStep<State>['handle'] }),
  define: (parts: { steps: readonly SagaStep<State>[]; timeouts?: Readonly<Record<string, Reaction<State, unknown>>> }): SagaDefinition<State> =>
    ({ name, state, steps: parts.steps, timeouts: parts.timeouts ?? {} }),
})

/** The message a timeout travels as: to the saga's own endpoint, not before its time. */
export const SagaTimeout = {
  type: 'messaging.SagaTimeout',
  kind: 'command',
  schema: z.object({ saga: z.string(), correlationId: z.string(), name: z.string(), data: z.unknown() }),
} as const satisfies MessageDefinition

interface Instance<State> {
  readonly state: State
  readonly version: number
}

const load = async <State>(tx: Sql, saga: SagaDefinition<State>, correlationId: string): Promise<Instance<State> | undefined> => {
  const row = (await tx.query<{ state: unknown; version: number }>(
    'select state, version from messaging.sagas where saga = $1 and correlation_id = $2',
    [saga.name, correlationId],
  )).rows[0]
  return row && { state: saga.state.parse(row.state), version: row.version }
}

const save = async <State>(tx: Sql, saga: SagaDefinition<State>, correlationId: string, before: Instance<State> | undefined, next: State, completed: boolean) => {
  const state = JSON.stringify(saga.state.parse(next))
  const changed = completed
    ? before ? (await tx.query('delete from messaging.sagas where saga = $1 and correlation_id = $2 and version = $3', [saga.name, correlationId, before.version])).rowCount : 1
    : before
      ? (await tx.query('update messaging.sagas set state = $4, version = version + 1, updated_at = now() where saga = $1 and correlation_id = $2 and version = $3', [saga.name, correlationId, before.version, state])).rowCount
      : (await tx.query('insert into messaging.sagas (saga, correlation_id, state, version) values ($1, $2, $3, 1) on conflict do nothing', [saga.name, correlationId, state])).rowCount
  if (changed !== 1) throw new SagaConcurrencyError(saga.name, correlationId)
}

const run = async <State>(
  saga: SagaDefinition<State>,
  correlationId: string,
  context: HandlerContext,
  out: OutgoingBuffer,
  queue: string,
  react: (before: Instance<State> | undefined, context: SagaContext) => Promise<State | undefined>,
) => {
  const before = await load(context.tx, saga, correlationId)
  let completed = false
  const sagaContext: SagaContext = {
    ...context,
    requestTimeout: (at, name, data) =>
      void out.addTo(queue, SagaTimeout, { saga: saga.name, correlationId, name, data: data ?? null }, 'timeout', {
        deliverAt: at,
        headers: { sagaName: saga.name, sagaId: correlationId },
      }),
    markAsComplete: () => { completed = true },
  }
  const next = await react(before, sagaContext)
  if (next !== undefined) await save(context.tx, saga, correlationId, before, next, completed)
}

/** Turns sagas into handler registrations for an endpoint: one per step, and one for their timeouts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each saga has its own state type
export const sagaHandlers = (sagas: readonly SagaDefinition<any>[], queue: string): HandlerRegistration[] => {
  const steps = sagas.flatMap((saga) =>
    saga.steps.map((step): HandlerRegistration => ({
      message: step.message,
      handle: (data, context) =>
        run(saga, step.correlate(data as never), context, outgoingOf(context), queue, async (before, sagaContext) =>
          before || step.starts ? step.handle(before?.state, data as never, sagaContext) : undefined),
    })),
  )
  if (sagas.length === 0) return steps
  const byName = new Map(sagas.map((saga) => [saga.name, saga]))
  const timeouts: HandlerRegistration = {
    message: SagaTimeout,
    handle: (data, context) => {
      const timeout = SagaTimeout.schema.parse(data)
      const saga = byName.get(timeout.saga)
      const react = saga?.timeouts[timeout.name]
      if (!saga || !react) throw new Error(`no saga "${timeout.saga}" with a timeout "${timeout.name}" at this endpoint`)
      // A timeout for a saga that has completed finds nothing and does nothing.
      return run(saga, timeout.correlationId, context, outgoingOf(context), queue, async (before, sagaContext) =>
        before ? react(before.state, timeout.data, sagaContext) : undefined)
    },
  }
  return [...steps, timeouts]
}
