import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { isDatabaseUnavailable } from '../adapters/db/unavailable.ts'
import { capturingLogger } from '../../test/support/log-capture.ts'
import { failureOf } from './acks.ts'
import { registerErrorHandling } from './error-handler.ts'
import { registerViews } from './views.ts'

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
const db = { unavailable: isDatabaseUnavailable }

const appThrowing = async (error: () => Error) => {
  const log = capturingLogger()
  const app = Fastify({ loggerInstance: log.logger as FastifyBaseLogger }) as unknown as FastifyInstance
  registerErrorHandling(app, db)
  await registerViews(app)
  app.post('/api/orders', async () => { throw error() })
  app.get('/orders/:id', async () => { throw error() })
  return { app, log }
}

describe('the database out of reach, as a person and a program are told', () => {
  test('the API: 503 with Retry-After and "try again", logged as a warning, not as a bug', async () => {
    const { app, log } = await appThrowing(refused)
    const response = await app.inject({ method: 'POST', url: '/api/orders', payload: {} })
    assert.equal(response.statusCode, 503)
    assert.equal(response.headers['retry-after'], '5')
    assert.equal(response.json().error.code, 'UNAVAILABLE')
    assert.match(response.json().error.message, /nothing was stored or charged; please try again in a moment/)
    assert.equal(log.lines.filter((l) => l.level === 50).length, 0)
    assert.equal(log.said('the database is out of reach; told to try again').length, 1)
  })

  test('a page: the site\'s words, no stack', async () => {
    const { app } = await appThrowing(refused)
    const response = await app.inject({ method: 'GET', url: '/orders/x' })
    assert.equal(response.statusCode, 503)
    assert.match(response.body, /part of Popcorn is restarting\. Nothing was ordered or charged — please try again in a moment\./)
    assert.doesNotMatch(response.body, /ECONNREFUSED|node:internal|\.ts:[0-9]/)
  })

  test('a bug is still a bug: 500, logged at error', async () => {
    const { app, log } = await appThrowing(() => new Error('undefined is not a function'))
    const response = await app.inject({ method: 'POST', url: '/api/orders', payload: {} })
    assert.equal(response.statusCode, 500)
    assert.equal(log.lines.filter((l) => l.level === 50).length, 1)
  })

  test('over the socket: the same code and words in the acknowledgement', () => {
    assert.deepEqual(failureOf(refused(), db).error.code, 'UNAVAILABLE')
    assert.deepEqual(failureOf(new Error('boom'), db).error.code, 'INTERNAL')
  })
})
