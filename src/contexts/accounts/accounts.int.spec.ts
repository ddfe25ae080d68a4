import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor, type Visitor } from '../../../test/support/visitor.ts'
import { ops } from '../ops/index.ts'
import { notifications } from '../notifications/index.ts'
import { ordering } from '../ordering/index.ts'
import { type AccountDeps, logIn, register, resetPassword, sendLinkAgain, verifyEmail } from './account-service.ts'
import { accounts } from './index.ts'
import { throttle } from './login-throttle.ts'

const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&rsquo;|’/g, "'").replace(/\s+/g, ' ')

for (const shape of shapes) {
  describe(`accounts on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [ordering, notifications, accounts, ops])
      await node.schedule(showtime('dune-accounts'))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/dune-accounts/seats`)).status, 200), { what: 'the showing opened' })
    })
    after(() => node?.stop())

    /** The link in the newest e-mail of this kind to this address, once notifications sent it. */
    const linkIn = (to: string, kind: 'verification' | 'password-reset', after = 0) => eventually(async () => {
      const { rows } = await node.world.db.query<{ text: string }>(
        `select text_body as text from notifications.mailbox where lower(to_address) = lower($1) and kind = $2 order by sent_at desc`, [to, kind])
      assert.ok(rows.length > after, `no ${kind} e-mail to ${to} yet (${rows.length})`)
      const link = /https?:\/\/\S+\/account\/(?:verify|reset)\/[\w-]{43}/.exec(rows[0]!.text)?.[0]
      assert.ok(link, `a link in: ${rows[0]!.text}`)
      return new URL(link).pathname
    }, { what: `the ${kind} e-mail to ${to}` })
    const loggedInAs = async (who: Visitor) => {
      const page = await who.call('GET', '/account')
      return page.status === 200 ? /id="account-email">([^<]+)</.exec(page.body)?.[1] : undefined
    }
    const signUp = async (who: Visitor, email: string, password = 'popcorn-2026!') => {
      const registered = await who.submit('/account/register', { email, password })
      assert.equal(registered.status, 201, registered.body)
      const link = await linkIn(email, 'verification')
      const confirmed = await who.submit(link, {})
      assert.equal(confirmed.status, 200, words(confirmed.body))
      return link
    }

    test('register, confirm the address from the e-mail once, then log in and out', async () => {
      const ada = visitor(node.url)
      const early = await ada.submit('/account/register', { email: 'Ada@Example.com', password: 'popcorn-2026!' })
      assert.equal(early.status, 201)
      assert.match(words(early.body), /We sent a link to Ada@Example\.com/)
      const notYet = await ada.submit('/account/login', { email: 'ada@example.com', password: 'popcorn-2026!' })
      assert.equal(notYet.status, 403, 'not confirmed yet')
      assert.match(words(notYet.body), /confirm your e-mail address first/)

      const link = await linkIn('ada@example.com', 'verification')
      assert.equal((await ada.call('GET', link)).status, 200, 'the link opens a page with a button; following it changes nothing yet')
      assert.equal((await ada.submit(link, {})).status, 200)
      const again = await ada.submit(link, {})
      assert.equal(again.status, 409, 'the link worked once; the address is confirmed already')
      assert.match(words(again.body), /confirmed already/)

      const twice = await visitor(node.url).submit('/account/register', { email: 'ADA@example.com', password: 'another-password' })
      assert.equal(twice.status, 409, 'one account per address, whatever its case')

      const wrong = await ada.submit('/account/login', { email: 'ada@example.com', password: 'not-my-password' })
      assert.equal(wrong.status, 401)
      assert.equal(await loggedInAs(ada), undefined)
      const right = await ada.submit('/account/login', { email: 'ada@example.com', password: 'popcorn-2026!' })
      assert.deepEqual([right.status, right.headers.get('location')], [303, '/my-orders'])
      assert.match(String(right.headers.get('set-cookie')), /popcorn_login=.*HttpOnly.*SameSite=Lax/i)
      assert.equal(await loggedInAs(ada), 'Ada@Example.com', 'logged in by the address in any case; shown as she typed it')

      const cookieBefore = ada.cookies.get('popcorn_login')!
      assert.equal((await ada.submit('/account/logout', {})).status, 303)
      assert.equal(await loggedInAs(ada), undefined)
      // The old cookie, kept by someone, is no login any more: logging out revoked it on the server.
      ada.cookies.set('popcorn_login', cookieBefore)
      assert.equal(await loggedInAs(ada), undefined, 'a revoked login cookie proves nothing')
      // Nor does one made up: unsigned, signed with another key, or not a login id at all.
      for (const forged of [randomUUID(), `s%3A${randomUUID()}.${'A'.repeat(43)}`, 's%3Aadmin.x', 'x'.repeat(500)]) {
        ada.cookies.set('popcorn_login', forged)
        assert.equal(await loggedInAs(ada), undefined, `a forged login cookie: ${forged.slice(0, 40)}`)
        assert.equal((await ada.call('GET', '/admin/accounts')).status, 401, 'and no admin either')
      }
    })

    test('an order placed before logging in, in the same browser, is the account\'s after; a stranger sees it masked', async () => {
      const bo = visitor(node.url)
      await signUp(bo, 'bo@example.com')
      const placed = await bo.order({ showtimeId: 'dune-accounts', tickets: 2, email: 'bo.tickets@example.com' })
      assert.equal(placed.status, 202, JSON.stringify(placed.body))
      const anonymous = await bo.call('GET', '/api/my-orders')
      assert.deepEqual(anonymous.body.items.map((o: { orderId: string }) => o.orderId), [placed.body.orderId], 'this browser\'s order, before logging in')

      assert.equal((await bo.submit('/account/login', { email: 'bo@example.com', password: 'popcorn-2026!' })).status, 303)
      // At once, and after ordering has heard of the login: the order is on the list the whole time.
      const mine = await bo.call('GET', '/api/my-orders')
      assert.deepEqual(mine.body.items.map((o: { orderId: string }) => o.orderId), [placed.body.orderId])
      await eventually(async () => {
        const { rows } = await node.world.db.query<{ accountId: string | null }>('select account_id as "accountId" from ordering.orders where order_id = $1', [placed.body.orderId])
        assert.ok(rows[0]?.accountId, 'the order attached to the account')
      }, { what: 'the order attached on login' })

      // Another browser, logged in to the same account, lists it and sees the address whole.
      const boElsewhere = visitor(node.url)
      assert.equal((await boElsewhere.submit('/account/login', { email: 'bo@example.com', password: 'popcorn-2026!' })).status, 303)
      const there = await boElsewhere.call('GET', '/api/my-orders')
      assert.deepEqual(there.body.items.map((o: { orderId: string; fromThisBrowser: boolean }) => [o.orderId, o.fromThisBrowser]), [[placed.body.orderId, false]])
      assert.equal((await boElsewhere.call('GET', `/api/orders/${placed.body.orderId}`)).body.email, 'bo.tickets@example.com')
      const page = await boElsewhere.call('GET', '/my-orders')
      assert.match(words(page.body), /Dune at Breda/)

      // Someone else, with the order's id and a login of their own, sees neither the order in their list nor the address.
      const cy = visitor(node.url)
      await signUp(cy, 'cy@example.com')
      assert.equal((await cy.submit('/account/login', { email: 'cy@example.com', password: 'popcorn-2026!' })).status, 303)
      assert.deepEqual((await cy.call('GET', '/api/my-orders')).body.items, [])
      const theirs = await cy.call('GET', `/api/orders/${placed.body.orderId}`)
      assert.equal(theirs.body.yours, false)
      assert.notEqual(theirs.body.email, 'bo.tickets@example.com')
    })

    test('an order placed while logged in belongs to the account at once', async () => {
      const di = visitor(node.url)
      await signUp(di, 'di@example.com')
      assert.equal((await di.submit('/account/login', { email: 'di@example.com', password: 'popcorn-2026!' })).status, 303)
      const placed = await di.order({ showtimeId: 'dune-accounts', tickets: 1, email: 'di@example.com' })
      const { rows } = await node.world.db.query<{ accountId: string | null }>('select account_id as "accountId" from ordering.orders where order_id = $1', [placed.body.orderId])
      assert.ok(rows[0]?.accountId, 'placed with the account')
    })

    test('with the projection delay on, the writer reads their own write at once; everyone else once the shared view catches up', async () => {
      const fay = visitor(node.url)
      await signUp(fay, 'fay@example.com')
      assert.equal((await fay.submit('/account/login', { email: 'fay@example.com', password: 'popcorn-2026!' })).status, 303)
      const staff = admin(node.url)
      const shared = async () => (await staff.call('GET', '/api/admin/accounts')).body as { lag: { events: number }; items: { email: string; displayName: string }[] }
      const fayShared = async () => (await shared()).items.find((p) => p.email === 'fay@example.com')
      await eventually(async () => assert.equal((await fayShared())?.displayName, '', 'fay in the shared view'), { what: 'the shared view of fay' })

      // Long enough that the reads below come before it, whatever the machine's load; the catch-up is waited for.
      assert.equal((await staff.call('PUT', '/api/ops/switches', { projectionDelayMs: 4_000 })).body.projectionDelayMs, 4_000)
      try {
        const saved = await fay.submit('/account/profile', { displayName: 'Fay <b>Wray</b>' })
        assert.deepEqual([saved.status, saved.headers.get('location')], [303, '/account'])
        const own = await fay.call('GET', '/account')
        assert.match(own.body, /Fay &lt;b&gt;Wray&lt;\/b&gt;/, 'her own page shows her new name at once, escaped')
        assert.match(words(own.body), /the rest of the site shows it in a moment/)
        assert.deepEqual([(await fay.call('GET', '/api/account')).body.displayName, (await fay.call('GET', '/api/account')).body.waiting], ['Fay <b>Wray</b>', 1])
        assert.equal((await fayShared())?.displayName, '', 'everyone else still sees the old state')
        assert.ok((await shared()).lag.events >= 1, 'the lag is shown')
        await eventually(async () => assert.equal((await fayShared())?.displayName, 'Fay <b>Wray</b>', 'the shared view caught up'), { what: 'the shared view to catch up' })
        assert.equal((await fay.call('GET', '/api/account')).body.waiting, 0)
        assert.doesNotMatch((await staff.call('GET', '/admin/accounts')).body, /<b>Wray/, 'staff\'s page escapes it too')
      } finally {
        await staff.call('PUT', '/api/ops/switches', { projectionDelayMs: 0 })
      }
      for (const bad of ['', ' '.repeat(5), 'x'.repeat(61), 'bell\u0007']) {
        const refused = await fay.submit('/account/profile', { displayName: bad })
        assert.equal(refused.status, 400, JSON.stringify(bad))
      }
      assert.equal((await fay.call('GET', '/api/account')).body.displayName, 'Fay <b>Wray</b>', 'nothing stored')
      assert.equal((await visitor(node.url).call('GET', '/api/ops/switches')).status, 401, 'the switch is for admins')
      assert.equal((await visitor(node.url).call('GET', '/api/admin/accounts')).status, 401)
    })

    test('a form posted without its token, with another session\'s, or with a made-up one changes nothing', async () => {
      const eve = visitor(node.url)
      const foreign = (await visitor(node.url).call('GET', '/api/form-token')).body.token as string
      for (const token of [undefined, foreign, '0.forged']) {
        const fields = new URLSearchParams({ email: 'eve@example.com', password: 'popcorn-2026!', ...(token && { _csrf: token }) })
        const answer = await eve.call('POST', '/account/register', fields.toString())
        assert.equal(answer.status, 403, `token ${token}`)
        assert.match(words(answer.body), /That form had gone stale/)
      }
      const { rows } = await node.world.db.query(`select 1 from accounts.emails where email_key = 'eve@example.com'`)
      assert.equal(rows.length, 0, 'no account made')
    })

    test('bad input in every account form is refused in words, with nothing stored, and never echoed as HTML', async () => {
      const mal = visitor(node.url)
      const cases: [string, Record<string, string>, RegExp][] = [
        ['/account/register', { email: '<script>alert(1)</script>', password: 'popcorn-2026!' }, /E-mail: an e-mail address/],
        ['/account/register', { email: 'mal@example.com', password: 'short' }, /Password: at least 10 characters/],
        ['/account/register', { email: 'mal@example.com', password: 'x'.repeat(201) }, /Password: at most 200 characters/],
        ['/account/register', { password: 'popcorn-2026!' }, /E-mail:/],
        ['/account/login', { email: 'mal@example.com' }, /Password:/],
        ['/account/forgot', { email: 'not an address' }, /E-mail: an e-mail address/],
      ]
      for (const [path, fields, expected] of cases) {
        const answer = await mal.submit(path, fields)
        assert.equal(answer.status, 400, `${path} ${JSON.stringify(fields)}`)
        assert.match(words(answer.body), expected)
        assert.doesNotMatch(answer.body, /<script>alert/)
      }
      assert.equal((await mal.call('GET', '/account/verify/not-a-token')).status, 400)
      assert.equal((await mal.submit(`/account/verify/${'a'.repeat(43)}`, {})).status, 404, 'a well-formed token nobody was sent')
      const { rows } = await node.world.db.query(`select 1 from accounts.emails where email_key like 'mal@%' or email_key like '%script%'`)
      assert.equal(rows.length, 0)
    })

    test('a form token is good once: the same form sent again with it is refused and changes nothing', async () => {
      const eve = visitor(node.url)
      await signUp(eve, 'eve@example.com')
      assert.equal((await eve.submit('/account/login', { email: 'eve@example.com', password: 'popcorn-2026!' })).status, 303)
      const { body: { field, token } } = await eve.call('GET', '/api/form-token')
      const send = (displayName: string) => eve.call('POST', '/account/profile', new URLSearchParams({ displayName, [field]: token }).toString())
      assert.equal((await send('Eve')).status, 303)
      const replayed = await send('Mallory')
      assert.equal(replayed.status, 409)
      assert.match(words(replayed.body), /That form was sent already, so it was not sent again/)
      assert.match((await eve.call('GET', '/account')).body, /id="account-display-name"[^>]*value="Eve"/)
    })
  })

  describe(`account links and login throttling on ${shape.name}, by the clock`, () => {
    let node: PopcornNode
    let deps: AccountDeps
    let now = new Date('2026-12-03T12:00:00.000Z')
    before(async () => {
      node = await startPopcornNode(shape, [notifications, accounts])
      deps = { db: node.world.db, session: node.bus.session('web'), publicUrl: () => 'https://popcorn.example', loginKey: 'k'.repeat(43), clock: () => now }
    })
    after(() => node?.stop())
    const minutes = (n: number) => (now = new Date(now.getTime() + n * 60_000))
    const lastLink = async (to: string, kind: string) => {
      const { rows } = await node.world.db.query<{ text: string }>(
        `select text_body as text from notifications.mailbox where to_address = $1 and kind = $2 order by sent_at desc limit 1`, [to, kind])
      return /\/account\/(?:verify|reset)\/([\w-]{43})/.exec(rows[0]?.text ?? '')?.[1]
    }
    const tokenFor = (to: string, kind: string, previous?: string) => eventually(async () => {
      const token = await lastLink(to, kind)
      assert.ok(token && token !== previous, `a new ${kind} link to ${to}`)
      return token
    }, { what: `the ${kind} e-mail` })

    test('a confirmation link expires after a day; a new one supersedes it and works, once', async () => {
      assert.equal((await register(deps, { email: 'late@example.com', password: 'popcorn-2026!' })).ok, true)
      const first = await tokenFor('late@example.com', 'verification')
      minutes(24 * 60)
      assert.deepEqual(await verifyEmail(deps, first), { ok: false, refused: 'link-expired' })
      await sendLinkAgain(deps, 'late@example.com', 'verify')
      const second = await tokenFor('late@example.com', 'verification', first)
      assert.deepEqual(await verifyEmail(deps, first), { ok: false, refused: 'link-superseded' })
      assert.deepEqual(await verifyEmail(deps, second), { ok: true, value: undefined })
      assert.deepEqual(await verifyEmail(deps, first), { ok: false, refused: 'already-verified' })
      assert.deepEqual(await verifyEmail(deps, second), { ok: false, refused: 'already-verified' })
    })

    test('a reset link sets a new password once, within the hour, and ends every login', async () => {
      assert.equal((await register(deps, { email: 'reset@example.com', password: 'first-password' })).ok, true)
      await verifyEmail(deps, await tokenFor('reset@example.com', 'verification'))
      const login = await logIn(deps, { email: 'reset@example.com', password: 'first-password', address: '203.0.113.1', browserSession: crypto.randomUUID() })
      assert.equal(login.ok, true)
      await sendLinkAgain(deps, 'reset@example.com', 'reset')
      const expired = await tokenFor('reset@example.com', 'password-reset')
      minutes(61)
      assert.deepEqual(await resetPassword(deps, expired, 'second-password'), { ok: false, refused: 'link-expired' })
      await sendLinkAgain(deps, 'reset@example.com', 'reset')
      const token = await tokenFor('reset@example.com', 'password-reset', expired)
      assert.deepEqual(await resetPassword(deps, token, 'second-password'), { ok: true, value: undefined })
      assert.deepEqual(await resetPassword(deps, token, 'third-password'), { ok: false, refused: 'link-used' })
      const { rows } = await node.world.db.query('select 1 from accounts.logins l join accounts.emails e using (account_id) where e.email_key = $1 and l.revoked_at is null', ['reset@example.com'])
      assert.equal(rows.length, 0, 'every login ended')
      const as = (password: string) => logIn(deps, { email: 'reset@example.com', password, address: '203.0.113.1', browserSession: crypto.randomUUID() })
      assert.deepEqual(await as('first-password'), { ok: false, refused: 'wrong-credentials' })
      assert.equal((await as('second-password')).ok, true)
      // Nobody learns from the form whether an address has an account: no e-mail, no error.
      await sendLinkAgain(deps, 'nobody@example.com', 'reset')
      assert.equal(await lastLink('nobody@example.com', 'password-reset'), undefined)
    })

    test('logins are throttled per account, whatever the address, and per address, whatever the account', async () => {
      assert.equal((await register(deps, { email: 'target@example.com', password: 'right-password' })).ok, true)
      await verifyEmail(deps, await tokenFor('target@example.com', 'verification'))
      const attempt = (email: string, password: string, address: string) => logIn(deps, { email, password, address, browserSession: crypto.randomUUID() })
      for (let i = 0; i < throttle.perAccount; i++) assert.equal((await attempt('target@example.com', `guess-${i}`, `198.51.100.${i}`)).ok, false)
      assert.deepEqual(await attempt('target@example.com', 'right-password', '192.0.2.77'), { ok: false, refused: 'throttled' }, 'even the right password, from a new address, waits')
      minutes(throttle.windowMs / 60_000)
      assert.equal((await attempt('target@example.com', 'right-password', '192.0.2.77')).ok, true, 'after the window')

      // One address trying many accounts (and a few that do not exist) is stopped too.
      for (let i = 0; i < throttle.perAddress; i++) assert.equal((await attempt(`someone-${i}@example.com`, 'guess', '203.0.113.66')).ok, false)
      assert.deepEqual(await attempt('target@example.com', 'right-password', '203.0.113.66'), { ok: false, refused: 'throttled' })
      assert.equal((await attempt('target@example.com', 'right-password', '203.0.113.67')).ok, true, 'another address is not held up')
    })
  })
}
