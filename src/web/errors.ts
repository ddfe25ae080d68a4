import { z } from 'zod'

/** Every error the HTTP API answers with, by stable code. Clients branch on `code`, people read `message`. */
export const httpErrors = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
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
  ) {
    super(message)
  }

  get status(): number {
    return httpErrors[this.code]
  }
}

/** Validates one part of a request; a mismatch is a 400 that says which field and why. */
export const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new HttpError('BAD_REQUEST', `invalid ${what}: ${z.prettifyError(result.error)}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  return result.data
}
