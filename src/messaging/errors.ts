/** Errors of the messaging core, each with a stable code that HTTP, logs and the error queue show. */
export class MessagingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'MessagingError'
  }
}

export const unknownMessageType = (type: string) =>
  new MessagingError('UNKNOWN_MESSAGE_TYPE', `no message type "${type}" is declared`)

export const invalidMessage = (type: string, issues: string) =>
  new MessagingError('INVALID_MESSAGE', `"${type}" does not match its schema: ${issues}`, issues)

export const messageTooLarge = (type: string, bytes: number, limit: number) =>
  new MessagingError('MESSAGE_TOO_LARGE', `"${type}" is ${bytes} bytes, more than the ${limit} allowed`)

export const malformedEnvelope = (reason: string) => new MessagingError('MALFORMED_ENVELOPE', reason)

export const wrongIntent = (type: string, reason: string) => new MessagingError('WRONG_INTENT', `"${type}": ${reason}`)

export const noHandler = (type: string, endpoint: string) =>
  new MessagingError('NO_HANDLER', `endpoint "${endpoint}" has no handler for "${type}"`)

/** An endpoint set up so that some of its messages would never reach it, or reach it unserialised. Found at start. */
export const misconfiguredEndpoint = (endpoint: string, reason: string) =>
  new MessagingError('MISCONFIGURED_ENDPOINT', `endpoint "${endpoint}": ${reason}`)

export class SagaConcurrencyError extends MessagingError {
  constructor(saga: string, correlationId: string) {
    super('SAGA_CONCURRENCY', `saga ${saga}/${correlationId} was changed by another handler; retrying`)
  }
}

/** Failures that no retry can mend go to the error queue at once. */
export const isPermanent = (error: unknown): boolean =>
  error instanceof MessagingError &&
  ['UNKNOWN_MESSAGE_TYPE', 'INVALID_MESSAGE', 'MESSAGE_TOO_LARGE', 'MALFORMED_ENVELOPE', 'NO_HANDLER', 'WRONG_INTENT'].includes(error.code)
