import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Fastify from 'fastify'
import { adminAreas, registerAdminGuard } from './admin-guard.ts'
import { registerErrorHandling } from './error-handler.ts'
import { type Identity, registerIdentity } from './identity.ts'

/** Who each cookie logs in, as the accounts context would say. */
const logins: Identity = {
  viewerOf: async (cookie) => {
    const as = (admin: boolean) => ({ accountId: admin ? 'a-admin' : 'a-customer', email: 'x@example.com', loginId: 'l', displayName: '', admin })
    return cookie === 'login=admin' ? as(true) : cookie === 'login=customer' ? as(false) : undefined
  },
}

const appWith = async (password: string | undefined) => {
  const app = Fastify()
  registerErrorHandling(app)
  registerIdentity(app, logins)
  registerAdminGuard(app, password)
  // Routes added by some plugin later, as contexts add theirs: guarded for being where they are.
  await app.register(async (plugin) => {
    for (const area of adminAreas) {
      plugin.get(`${area}/thing`, async () => ({ ok: true }))
      plugin.put(`${area}/thing`, async () => ({ changed: true }))
    }
    plugin.get('/mailbox', async () => ({ list: true }))
    plugin.get('/ops/:id', async () => ({ one: true }))
    plugin.get('/admin/who', async (request) => ({ admin: request.admin }))
  })
  app.get('/open', async () => ({ open: true }))
  app.get('/administrators-of-the-movies', async () => ({ open: true }))
  return app
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const password = 'correct horse battery'

describe('the admin guard', () => {
  test('every route under ops, admin and the mailbox asks for the admin password, from anywhere; the browser is asked for it', async () => {
    const app = await appWith(password)
    for (const url of [...adminAreas.map((area) => `${area}/thing`), '/mailbox', '/ops/7']) {
      for (const remoteAddress of ['127.0.0.1', '::1', '203.0.113.9']) {
        const none = await app.inject({ url, remoteAddress })
        assert.equal(none.statusCode, 401, `${url} from ${remoteAddress}`)
        assert.equal(none.json().error.code, 'UNAUTHORIZED')
        assert.match(String(none.headers['www-authenticate']), /^Basic realm="Popcorn admin"/)
      }
      for (const authorization of [basic('admin', 'wrong'), basic('root', password), 'Bearer x', 'Basic !!!']) {
        assert.equal((await app.inject({ url, headers: { authorization } })).statusCode, 401, `${url}: ${authorization}`)
      }
      assert.equal((await app.inject({ url, remoteAddress: '203.0.113.9', headers: { authorization: basic('admin', password) } })).statusCode, 200, url)
    }
    assert.equal((await app.inject({ url: '/open', remoteAddress: '203.0.113.9' })).statusCode, 200, 'other routes are not guarded')
    assert.equal((await app.inject({ url: '/administrators-of-the-movies' })).statusCode, 200, 'a path that only begins like an area is not in it')
  })

  test('no spelling of an address gets past it: a route it reaches is guarded, anything else is not found', async () => {
    const app = await appWith(password)
    for (const url of ['/%61dmin/thing', '/admin/thing/', '/admin//thing', '/ADMIN/thing', '/api/ops/thing?x=1', '/api/%6fps/thing', '/./admin/thing', '/open/../admin/thing']) {
      const answer = await app.inject({ url })
      assert.ok([401, 404].includes(answer.statusCode), `${url}: ${answer.statusCode}`)
    }
  })

  test('without a password configured, the admin pages are closed to everyone, this machine too, and say how to open them', async () => {
    const app = await appWith(undefined)
    for (const remoteAddress of ['127.0.0.1', '::1', '203.0.113.9']) {
      const answer = await app.inject({ url: '/api/ops/thing', remoteAddress, headers: { authorization: basic('admin', '') } })
      assert.equal(answer.statusCode, 403)
      assert.match(answer.json().error.message, /POPCORN_ADMIN_PASSWORD/)
    }
  })

  test('a change from another site is refused; from the admin page itself it is not', async () => {
    const app = await appWith(password)
    const authorization = basic('admin', password)
    const fromElsewhere = await app.inject({ method: 'PUT', url: '/admin/thing', headers: { authorization, origin: 'https://evil.example', host: 'localhost:3000' } })
    assert.equal(fromElsewhere.statusCode, 403)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing', headers: { authorization, 'sec-fetch-site': 'cross-site' } })).statusCode, 403)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing', headers: { authorization, origin: 'http://localhost:3000', host: 'localhost:3000' } })).statusCode, 200)
    assert.equal((await app.inject({ method: 'PUT', url: '/admin/thing', headers: { authorization } })).statusCode, 200, 'a script or curl sends no origin')
  })

  test('an admin account gets in without the password, and is told apart from whoever has the password; a customer’s account does not', async () => {
    for (const configured of [password, undefined]) {
      const app = await appWith(configured)
      assert.deepEqual((await app.inject({ url: '/admin/who', headers: { cookie: 'login=admin' } })).json(), { admin: 'a-admin' })
      const customer = await app.inject({ url: '/api/ops/thing', headers: { cookie: 'login=customer' } })
      assert.equal(customer.statusCode, 403, 'logged in, but not an admin')
      assert.equal(customer.headers['www-authenticate'], undefined)
      const crossSite = await app.inject({ method: 'PUT', url: '/admin/thing', headers: { cookie: 'login=admin', 'sec-fetch-site': 'cross-site' } })
      assert.equal(crossSite.statusCode, 403, 'nor does an admin’s login change anything from another site')
    }
    const app = await appWith(password)
    assert.deepEqual((await app.inject({ url: '/admin/who', headers: { authorization: basic('admin', password) } })).json(), { admin: 'admin' })
  })
})
