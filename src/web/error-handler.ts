import type { FastifyInstance } from 'fastify'
import { MessagingError } from '../messaging/errors.ts'
import { HttpError, type HttpErrorCode } from './errors.ts'

const fromFastify: Record<string, HttpErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
}

/** One shape for every error: `{ error: { code, message, details? } }`; nothing internal leaks out of a 500. */
export const registerErrorHandling = (app: FastifyInstance) => {
  app.setErrorHandler((thrown: unknown, request, reply) => {
    const error = thrown as Error & { code?: string; statusCode?: number }
    const known =
      error instanceof HttpError ? error
      : error instanceof MessagingError ? new HttpError('BAD_REQUEST', error.message, error.details)
      : error.code && fromFastify[error.code] ? new HttpError(fromFastify[error.code]!, error.message)
      : error.statusCode === 400 ? new HttpError('BAD_REQUEST', error.message)
      : undefined
    if (!known) request.log.error({ err: error }, 'request failed')
    const answer = known ?? new HttpError('INTERNAL', 'something went wrong on our side; it has been logged')
    return reply.status(answer.status).send({ error: { code: answer.code, message: answer.message, ...(answer.details !== undefined && { details: answer.details }) } })
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }))
}
