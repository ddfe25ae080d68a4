import { z } from 'zod'

/** Every error the HTTP API answers with, by stable code. Clients branch on `code`, people read `message`. */
export const httpErrors = {
  BAD_REQUEST: 400,
  /** Admin pages: no or wrong credentials (basic auth). */
  UNAUTHORIZED: 401,
  /** Admin pages: not from this machine when no admin password is set, or a cross-site form. */
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** The showtime's waiting room is on and the order carries no place token: `details.url` is the room. */
  WAITING_ROOM: 403,
  /** The place token is good but its place has not been let through yet: `details.position`, `details.url`. */
  NOT_YOUR_TURN: 409,
  /** Not a place token Popcorn signed, or not for this showtime. */
  PLACE_TOKEN_INVALID: 401,
  /** A place token made out to another browser session. */
  PLACE_TOKEN_NOT_YOURS: 403,
  /** The token ran out, or the place's turn did (its admission window passed): join the queue again. */
  PLACE_TOKEN_EXPIRED: 410,
  /** Ops asked to inject a fault where the configuration does not allow it (POPCORN_FAULTS is off). */
  FAULTS_OFF: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const

export type HttpErrorCode = keyof typeof httpErrors

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
    /** What an error page says to a person, where the message is written for a program or a developer. */
    readonly forPeople?: string,
  ) {
    super(message)
  }

  get status(): number {
    return httpErrors[this.code]
  }
}

/**
 * The database could not be reached (restarting, say): not a bug, and nothing was stored, so nothing was taken.
 * The person is told to try again in a moment (HTTP 503 with Retry-After); the request is never acknowledged.
 */
export const outOfReach = () => new HttpError('UNAVAILABLE',
  'we could not reach our database just now, so nothing was stored or charged; please try again in a moment', undefined,
  'We could not save that just now: part of Popcorn is restarting. Nothing was ordered or charged — please try again in a moment.')

/** An error a person can be told about as it is: ours, or the database out of reach; anything else is a bug. */
export const answerable = (error: unknown, db?: { unavailable(error: unknown): boolean }): HttpError | undefined =>
  error instanceof HttpError ? error : db?.unavailable(error) ? outOfReach() : undefined

/**
 * A whole number as people and programs send one: a JSON integer, or a string of digits from a form or a query
 * string. Nothing looser: `true`, `[2]`, `"0x5"`, `"+7"`, `" 4 "` and `"1e1"` are refused, where `Number()` (and
 * `z.coerce`) would have made 1, 2, 5, 7, 4 and 10 of them.
 */
export const wholeNumber = () =>
  z.union([z.number(), z.string().regex(/^[0-9]{1,15}$/, 'a whole number, in digits').transform(Number)], { error: 'a whole number' })
    .pipe(z.number().int('a whole number'))

/** Validates one part of a request; a mismatch is a 400 that says which field and why. */
export const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new HttpError('BAD_REQUEST', `invalid ${what}: ${z.prettifyError(result.error)}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  return result.data
}
