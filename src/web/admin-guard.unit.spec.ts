import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { adminGuard } from './admin-guard.ts'
import { registerErrorHandling } from './error-handler.ts'

const appWith = async (password: string | undefined) => {
  const app = Fastify()
  registerErrorHandling(app)
  await app.register(async (admin) => {
    admin.addHook('onRequest', adminGuard(password))
    admin.get('/admin/thing', async () => ({ ok: true }))
    admin.put('/admin/thing', async () => ({ changed: true }))
  })
  app.get('/open', async () => ({ open: true }))
  return app
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('the admin guard', () => {
  test('without a password: this machine only', async () => {
    const app = await appWith(undefined)
    assert.equal((await app.inject({ url: '/admin/thing' })).statusCode, 200)
    const remote = await app.inject({ url: '/admin/thing', remoteAddress: '203.0.113.9' })
    assert.equal(remote.statusCode, 403)
    assert.equal(remote.json().error.code, 'FORBIDDEN')
    assert.match(remote.json().error.message, /POPCORN_ADMIN_PASSWORD/)
    assert.equal((await app.inject({ url: '/admin/thing', remoteAddress: '::1' })).statusCode, 200)
    assert.equal((await app.inject({ url: '/open', remoteAddress: '203.0.113.9' })).statusCode, 200, 'other routes are not guarded')
  })

  test('with a password: basic auth as admin, from anywhere; the browser is asked for it', async () => {
    const app = await appWith('correct horse battery')
    const none = await app.inject({ url: '/admin/thing' })
    assert.equal(none.statusCode, 401)
    assert.equal(none.json().error.code, 'UNAUTHORIZED')
    assert.match(String(none.headers['www-authenticate']), /^Basic realm="Popcorn admin"/)
    for (const authorization of [basic('admin', 'wrong'), basic('root', 'correct horse battery'), 'Bearer x', 'Basic !!!']) {
      assert.equal((await app.inject({ url: '/admin/thing', headers: { authorization } })).statusCode, 401, authorization)
    }
    const good = await app.inject({ url: '/admin/thing', remoteAddress: '203.0.113.9', headers: { authorization: basic('admin', 'correct horse battery') } })
    assert.equal(good.statusCode, 200)
  })

  test('a change from another site is refused; from the admin page itself it is not', async () => {
    const app = await appWith(undefined)
    const fromElsewhere = await app.inject({ method: 'PUT', url: '/admin/thing', headers: { origin: 'https://evil.example', host: 'localhost:3000' } })
    assert.equal(fromElsewhere.statusCode, 403)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 403)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing', headers: { origin: 'http://localhost:3000', host: 'localhost:3000' } })).statusCode, 200)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing' })).statusCode, 200, 'a script or curl sends no origin')
  })
})
