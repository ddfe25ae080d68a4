import type { Logger } from 'pino'
import { answerable, HttpError } from './errors.ts'
import { traceSocketEvent } from './tracing.ts'

type Unavailable = { unavailable(error: unknown): boolean }

/** How a socket event's acknowledgement says no: the HTTP error shape, with `ok: false`. */
export const failureOf = (error: unknown, db?: Unavailable) => {
  const known = answerable(error, db)
  return known
    ? { ok: false as const, error: { code: known.code, message: known.message, ...(known.details !== undefined && { details: known.details }) } }
    : { ok: false as const, error: { code: 'INTERNAL', message: 'something went wrong on our side; try again' } }
}

/** Logs what a person cannot be told about: a bug at error level, the database out of reach at warn. */
export const logFailure = (web: { logger: Logger; db?: Unavailable }, error: unknown, context: Record<string, unknown>) => {
  if (error instanceof HttpError) return
  if (web.db?.unavailable(error)) web.logger.warn({ err: error, ...context }, 'the database is out of reach; told to try again')
  else web.logger.error({ err: error, ...context }, 'socket event failed')
}

/**
 * A socket event handler that always acknowledges: with what `work` returns, or with the error. Unexpected errors
 * are logged; a client that asks for no acknowledgement is not served. Each event is a span (`<event> receive`) when
 * tracing is on.
 */
export const acknowledged = (web: { logger: Logger; db?: Unavailable }, event: string, work: (payload: unknown) => Promise<unknown>) =>
  async (payload: unknown, ack?: unknown) => {
    if (typeof ack !== 'function') return
    await traceSocketEvent(event, payload, async () => {
      try {
        ack(await work(payload))
      } catch (error) {
        logFailure(web, error, { event })
        ack(failureOf(error, web.db))
      }
    })
  }
