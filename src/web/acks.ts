import type { Logger } from 'pino'
import { HttpError } from './errors.ts'

/** How a socket event's acknowledgement says no: the HTTP error shape, with `ok: false`. */
export const failureOf = (error: unknown) =>
  error instanceof HttpError
    ? { ok: false as const, error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) } }
    : { ok: false as const, error: { code: 'INTERNAL', message: 'something went wrong on our side; try again' } }

/**
 * A socket event handler that always acknowledges: with what `work` returns, or with the error. Unexpected errors
 * are logged; a client that asks for no acknowledgement is not served.
 */
export const acknowledged = (logger: Logger, event: string, work: (payload: unknown) => Promise<unknown>) =>
  async (payload: unknown, ack?: unknown) => {
    if (typeof ack !== 'function') return
    try {
      ack(await work(payload))
    } catch (error) {
      if (!(error instanceof HttpError)) logger.error({ err: error, event }, 'socket event failed')
      ack(failureOf(error))
    }
  }
