import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MessagingError } from '../messaging/errors.ts'
import { answerable, HttpError, type HttpErrorCode } from './errors.ts'
import { renderErrorPage } from './views.ts'

const fromFastify: Record<string, HttpErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
}

/** A browser's form post: what it gets back is a page, as after following a link. */
const fromForm = (request: FastifyRequest) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers['content-type'] ?? '')

/**
 * A person's browser asking for a page, or posting a form, gets an HTML error page; the JSON API, health and assets
 * get the JSON shape.
 */
const wantsPage = (request: FastifyRequest) =>
  (request.method === 'GET' || request.method === 'HEAD' || fromForm(request)) && !/^\/(api|assets)\/|^\/health(\?|$)/.test(request.url)

/** Answers with the error: the HTML page a browser asked for, or the JSON shape. */
const send = async (request: FastifyRequest, reply: FastifyReply, answer: HttpError) => {
  if (wantsPage(request) && request.server.hasDecorator('view')) {
    try {
      return reply.status(answer.status).type('text/html; charset=utf-8').send(await renderErrorPage(request.server, answer))
    } catch (error) {
      request.log.error({ err: error }, 'could not render the error page')
    }
  }
  return reply.status(answer.status).type('application/json; charset=utf-8')
    .send({ error: { code: answer.code, message: answer.message, ...(answer.details !== undefined && { details: answer.details }) } })
}

const notFound = (request: FastifyRequest) => new HttpError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, undefined,
  'There is nothing at this address. The link may be mistyped, or what it showed is gone.')

/**
 * Errors Fastify meets before any route: a URL that does not decode (`%c0%ae`, an overlong dot) names no page.
 * For Fastify's `frameworkErrors` option; anything else keeps Fastify's own answer.
 */
export const answerFrameworkError = (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) =>
  error.code === 'FST_ERR_BAD_URL' ? send(request, reply, notFound(request))
  : send(request, reply, new HttpError('BAD_REQUEST', error.message))

/**
 * One shape for every error: `{ error: { code, message, details? } }`, or the same as an HTML page for page routes;
 * nothing internal leaks out of a 500. A path that climbs out of the assets (`/assets/../package.json`, which the
 * static files' sender refuses as forbidden) is a 404 like any other missing file, and nothing to log.
 */
export const registerErrorHandling = (app: FastifyInstance, db?: { unavailable(error: unknown): boolean }) => {
  app.setErrorHandler((thrown: unknown, request, reply) => {
    const error = thrown as Error & { code?: string; statusCode?: number }
    const status = error.statusCode
    const reachable: HttpError | undefined = answerable(error, db)
    if (reachable?.code === 'UNAVAILABLE' && !(error instanceof HttpError)) {
      request.log.warn({ err: error }, 'the database is out of reach; told to try again')
      void reply.header('retry-after', '5')
    }
    const known =
      reachable ?? (error instanceof MessagingError ? new HttpError('BAD_REQUEST', error.message, error.details)
      : error.code && fromFastify[error.code] ? new HttpError(fromFastify[error.code]!, error.message)
      : status === 400 ? new HttpError('BAD_REQUEST', error.message)
      : status === 404 || (status === 403 && request.url.startsWith('/assets/')) ? notFound(request)
      : undefined)
    if (!known) request.log.error({ err: error }, 'request failed')
    return send(request, reply, known ?? new HttpError('INTERNAL', 'something went wrong on our side; it has been logged'))
  })
  app.setNotFoundHandler((request, reply) => send(request, reply, notFound(request)))
}
