import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { HttpError } from './errors.ts'
import { format } from './format.ts'

/** Templates are named from `src/`: `contexts/catalog/views/movie.eta`, and the layout `/web/views/layout`. */
const templatesRoot = fileURLToPath(new URL('..', import.meta.url))
const publicDir = fileURLToPath(new URL('./public', import.meta.url))

const versions = new Map<string, string>()
/** `/assets/popcorn.css?v=1a2b3c4d`: the content hash lets browsers keep an asset for a year and still see a change. */
export const asset = (name: string): string => {
  let version = versions.get(name)
  if (!version) {
    version = createHash('sha256').update(readFileSync(`${publicDir}/${name}`)).digest('hex').slice(0, 10)
    versions.set(name, version)
  }
  return `/assets/${name}?v=${version}`
}

/**
 * Server-rendered pages (eta; `<%= %>` escapes, and data never goes through `<%~ %>`) and the static assets under
 * `/assets/`. Every template gets `it.format` (money, Amsterdam times) and `it.asset` (versioned asset URLs).
 */
export const registerViews = async (app: FastifyInstance, options: { cache?: boolean } = {}) => {
  await app.register(fastifyView, {
    engine: { eta: new Eta() },
    root: templatesRoot,
    production: options.cache ?? process.env.NODE_ENV !== 'development',
    defaultContext: { format, asset },
  })
  await app.register(fastifyStatic, { root: publicDir, prefix: '/assets/', index: false, cacheControl: false })
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) return
    reply.header('cache-control', /[?&]v=/.test(request.url) ? 'public, max-age=31536000, immutable' : 'no-cache')
  })
}

/**
 * What a person reads on an error page: the site's own words for a link that is not one of ours and for a failure on
 * our side (the developer's wording stays in the JSON answer and the log), or what the error says for people.
 */
const pageMessage = (error: HttpError) =>
  error.forPeople
  ?? (error.status === 400 ? 'That link is not one we can read. Check it, or find your way from what’s on.'
    : error.status >= 500 ? 'Something went wrong on our side. We have logged it; please try again in a moment.'
    : error.message)

/**
 * The HTML answer to an error on a page route (the JSON API answers with the error shape instead). Rendered by the
 * app's view engine, so that an error Fastify meets before any route (a URL that does not decode) has its page too.
 */
export const renderErrorPage = (app: FastifyInstance, error: HttpError): Promise<string> =>
  app.view('web/views/error.eta', {
    title: error.status === 404 ? 'Not found' : error.status >= 500 ? 'Something went wrong' : 'That did not work',
    status: error.status,
    message: pageMessage(error),
  }) as Promise<string>
