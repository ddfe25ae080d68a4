import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import formBody from '@fastify/formbody'
import Fastify from 'fastify'
import { csrfToken, csrfTokenValid, idempotentForm, registerCsrf } from './csrf.ts'
import { registerErrorHandling } from './error-handler.ts'

const key = 'k'.repeat(43)
const session = '6f1c1e9e-3f5a-4a8e-9a55-0c1c6d1f2b11'
const other = '0b7a3a3c-8b44-4b6f-8f0e-4d7e2f3a9c01'
const now = Date.UTC(2026, 11, 3, 12)

describe('a form token', () => {
  test('is good for the session it was made for', () =>
    assert.equal(csrfTokenValid(key, session, csrfToken(key, session, now), now + 60_000), true))

  test('is refused from another session (copied, or replayed by someone else)', () =>
    assert.equal(csrfTokenValid(key, other, csrfToken(key, session, now), now), false))

  test('is refused once a day old', () =>
    assert.equal(csrfTokenValid(key, session, csrfToken(key, session, now), now + 24 * 3_600_000), false))

  test('is refused when made with another key, altered, or not a token at all', () => {
    assert.equal(csrfTokenValid(key, session, csrfToken('x'.repeat(43), session, now), now), false)
    const [issued, nonce, mac] = csrfToken(key, session, now).split('.')
    assert.equal(csrfTokenValid(key, session, `${(parseInt(issued!, 36) + 1000).toString(36)}.${nonce}.${mac}`, now), false)
    assert.equal(csrfTokenValid(key, session, `${issued}.${'A'.repeat(12)}.${mac}`, now), false)
    for (const bad of [undefined, '', '.', '..', 'abc', ['x'], 42, `${issued}.`, `${issued}.${nonce}.${mac}.x`]) assert.equal(csrfTokenValid(key, session, bad, now), false, String(bad))
  })

  test('two made in the same millisecond differ', () =>
    assert.notEqual(csrfToken(key, session, now), csrfToken(key, session, now)))

  test('is good once: a form sent again with the same token is refused before its route changes anything', async () => {
    const app = Fastify()
    registerErrorHandling(app)
    app.decorateRequest('browserSession', session)
    const used = new Set<string>()
    registerCsrf(app, key, { spend: async (token) => (used.has(token) ? false : Boolean(used.add(token))) })
    await app.register(formBody)
    let changed = 0
    app.post('/change', async () => ({ changed: ++changed }))
    app.post('/order', { config: idempotentForm }, async () => ({ same: true }))
    const token = csrfToken(key, session)
    const send = () => app.inject({ method: 'POST', url: '/change', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}` })
    assert.equal((await send()).statusCode, 200)
    const replayed = await send()
    assert.equal(replayed.statusCode, 409)
    assert.match(replayed.json().error.message, /sent already/)
    assert.equal(changed, 1)
    const order = () => app.inject({ method: 'POST', url: '/order', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}` })
    assert.deepEqual([(await order()).statusCode, (await order()).statusCode], [200, 200], 'a form with an id of its own answers again, as the first time')
  })
})
