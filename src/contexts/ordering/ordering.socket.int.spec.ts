import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { shopper } from '../../../test/support/shoppers.ts'

const showtimeId = 'dune-breda-1'
/** The session id a `popcorn_session=…` cookie names (the part before its signature). */
const idOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).split('.')[0]

describe('ordering over the browser socket (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  const data = mkdtempSync(join(tmpdir(), 'popcorn-socket-'))

  before(async () => {
    popcorn = startPopcornProcess('start', { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn' })
    url = await popcorn.served
    await eventually(async () => assert.ok((await fetch(`${url}/api/showtimes/${showtimeId}/seats`)).ok, 'not yet: (await fetch(`${url}/api/showtimes/${showtimeId}/seats`)).ok'), { timeoutMs: 60_000 })
  })
  after(async () => {
    popcorn.child.kill('SIGTERM')
    await popcorn.exited
    rmSync(data, { recursive: true, force: true })
  })

  test('a browser that comes back is sent the outcomes it missed, and nobody else\'s', async () => {
    const ada = shopper()
    const { orderId } = await ada.order(url, { showtimeId, tickets: 2, email: 'ada@example.com' })
    await eventually(async () => assert.equal(((await (await fetch(`${url}/api/orders/${orderId}`)).json()) as { status: string }).status, 'accepted'))

    const back = await ada.connect(url)
    const resumed = await back.socket.emitWithAck('orders:resume', { orderIds: [orderId] })
    assert.deepEqual(resumed, { ok: true, pending: [] })
    await eventually(() => assert.equal(back.outcomes.get(orderId!)?.outcome, 'accepted'))

    const stranger = shopper()
    const theirs = await stranger.connect(url)
    assert.deepEqual(await theirs.socket.emitWithAck('orders:resume', { orderIds: [orderId] }), { ok: true, pending: [] })
    assert.equal(theirs.outcomes.size, 0)
    ada.close()
    stranger.close()
  })

  test('bad input over the socket is answered with a clear error, and nothing is stored', async () => {
    const bob = shopper()
    const socket = await bob.connect(url)
    const cases: [unknown, string, RegExp][] = [
      [{ showtimeId: 'nope', tickets: 1, email: 'bob@example.com' }, 'NOT_FOUND', /no showtime "nope"/],
      [{ showtimeId, tickets: 99, email: 'bob@example.com' }, 'BAD_REQUEST', /at most 10 tickets/],
      [{ showtimeId, tickets: 1, email: '<script>' }, 'BAD_REQUEST', /e-mail/],
      ['order please', 'BAD_REQUEST', /invalid order/],
      [{ showtimeId, tickets: 1, email: 'bob@example.com', orderId: 'not-a-uuid' }, 'BAD_REQUEST', /orderId/],
    ]
    for (const [payload, code, message] of cases) {
      const answer = await socket.submit(payload as never)
      assert.equal(answer.ok, false)
      assert.equal(answer.error?.code, code)
      assert.match(answer.error?.message ?? "", message)
    }
    const badResume = (await socket.socket.emitWithAck('orders:resume', { orderIds: 'all' })) as { ok: boolean; error: { code: string; message: string } }
    assert.equal(badResume.ok, false)
    assert.equal(badResume.error.code, 'BAD_REQUEST')
    assert.match(badResume.error.message, /orderIds/)
    const { seatsLeft, capacity } = (await (await fetch(`${url}/api/showtimes/${showtimeId}/seats`)).json()) as { seatsLeft: number; capacity: number }
    assert.equal(capacity - seatsLeft, 2, 'only the first test\'s two tickets were sold')
    bob.close()
  })

  test('a session is the server\'s to give: an invented cookie, or one copied without its signature, is a stranger, never the session it names', async () => {
    const { io } = await import('socket.io-client')
    const ada = shopper()
    const { orderId } = await ada.order(url, { showtimeId, tickets: 1, email: 'ada@example.com' })
    await eventually(async () => assert.equal(((await (await fetch(`${url}/api/orders/${orderId}`)).json()) as { status: string }).status, 'accepted'))
    const adas = idOf(ada.cookie)

    for (const cookie of [`popcorn_session=${adas}`, `popcorn_session=${adas}.forged`, `popcorn_session=${randomUUID()}`, `popcorn_session=${adas}; popcorn_session=${adas}`]) {
      // Over HTTP: the answer gives a session of its own.
      const answer = await fetch(`${url}/health`, { headers: { cookie } })
      const issued = answer.headers.getSetCookie().find((set) => set.startsWith('popcorn_session='))
      assert.ok(issued, `${cookie}: a new session is issued`)
      assert.notEqual(idOf(issued.split(';')[0]!), adas)
      // Over the socket: it connects as a stranger, and Ada's order is none of its business.
      const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } })
      const pushed: unknown[] = []
      socket.on('order:outcome', (outcome: unknown) => pushed.push(outcome))
      await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject) })
      assert.deepEqual(await socket.emitWithAck('orders:resume', { orderIds: [orderId] }), { ok: true, pending: [] })
      assert.deepEqual(pushed, [], `${cookie}: nothing of Ada's pushed (a resume pushes before it answers)`)
      socket.close()
    }
    // Ada's own signed cookie is Ada.
    const back = await ada.connect(url)
    await back.socket.emitWithAck('orders:resume', { orderIds: [orderId] })
    await eventually(() => assert.equal(back.outcomes.get(orderId!)?.outcome, 'accepted'))
    ada.close()
  })

  test('an order\'s e-mail address is shown whole only to the browser that placed it; anyone else with its id sees it masked', async () => {
    const ada = shopper()
    const { orderId } = await ada.order(url, { showtimeId, tickets: 1, email: 'ada.lovelace@example.com' })
    const asAda = { cookie: ada.cookie }
    const mine = (await (await fetch(`${url}/api/orders/${orderId}`, { headers: asAda })).json()) as { email: string; yours: boolean }
    assert.equal(mine.email, 'ada.lovelace@example.com')
    assert.equal(mine.yours, true)
    const adasPage = await (await fetch(`${url}/orders/${orderId}`, { headers: asAda })).text()
    assert.match(adasPage, /ada\.lovelace@example\.com/)
    // The page says which showing it is for: the movie, the theater, the screen and when.
    assert.match(adasPage, /<p class="order-showing"><strong>Dune<\/strong> at Breda, Zaal \d+, <time datetime="[^"]+">\w+day, \d+ \w+ \d{4} at \d\d:\d\d<\/time><\/p>/)
    const stranger = shopper()
    for (const headers of [{}, { cookie: await stranger.sessionCookie(url) }, { cookie: `popcorn_session=${idOf(ada.cookie)}` }] as Record<string, string>[]) {
      const theirs = (await (await fetch(`${url}/api/orders/${orderId}`, { headers })).json()) as { email: string; yours: boolean; clientSession?: string }
      assert.equal(theirs.email, 'a•••@e•••.com')
      assert.equal(theirs.yours, false)
      assert.equal(theirs.clientSession, undefined)
      const page = await (await fetch(`${url}/orders/${orderId}`, { headers })).text()
      assert.doesNotMatch(page, /lovelace|example\.com/)
      assert.match(page, /a•••@e•••\.com/)
    }
  })

  test('the order form carries one order id per page, so posting it twice (a double click without a script) orders once', async () => {
    const buyer = shopper()
    const cookie = await buyer.sessionCookie(url)
    const formOrderId = async () => /name="orderId" value="([0-9a-f-]{36})"/.exec(await (await fetch(`${url}/movies/dune?showtime=${showtimeId}`, { headers: { cookie } })).text())?.[1]
    const orderId = await formOrderId()
    assert.ok(orderId, 'the form has its order id')
    assert.notEqual(await formOrderId(), orderId, 'another page, another order')
    const _csrf = await buyer.formToken(url)
    const post = () => fetch(`${url}/orders`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ orderId, showtimeId, tickets: '2', email: 'form@example.com', _csrf }).toString(),
    })
    const answers = await Promise.all([post(), post(), post()])
    assert.deepEqual(answers.map((a) => [a.status, a.headers.get('location')]), Array(3).fill([303, `/orders/${orderId}`]))
    await eventually(async () => assert.equal(((await (await fetch(`${url}/api/orders/${orderId}`, { headers: { cookie } })).json()) as { status: string }).status, 'accepted'))
  })

  test('the form without a script, refused, answers with a page that says what to fix in the site\'s words, not the API\'s JSON', async () => {
    const buyer = shopper()
    const cookie = await buyer.sessionCookie(url)
    const _csrf = await buyer.formToken(url)
    const answer = await fetch(`${url}/orders`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ showtimeId, tickets: '99', email: '<script>alert(1)</script>', _csrf }).toString(),
    })
    assert.equal(answer.status, 400)
    assert.match(String(answer.headers.get('content-type')), /^text\/html/)
    const page = await answer.text()
    assert.match(page, /Your order was not placed/)
    assert.match(page, /<strong>Number of tickets:<\/strong> at most 10 tickets per order/)
    assert.match(page, /<strong>E-mail:<\/strong> a valid e-mail address/)
    assert.match(page, new RegExp(`href="/showtimes/${showtimeId}"`))
    assert.doesNotMatch(page, /"error"|✖|<script>alert/)
    const missing = await fetch(`${url}/orders`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ showtimeId: 'no-such-showing', tickets: '1', email: 'a@example.com', _csrf: await buyer.formToken(url) }).toString(),
    })
    assert.equal(missing.status, 404)
    assert.match(await missing.text(), /We could not place it: no showtime &quot;no-such-showing&quot; is open for orders/)
  })

  test('a socket that comes without a session is given one by the handshake, as a page would have', async () => {
    const { io } = await import('socket.io-client')
    const socket = io(url, { transports: ['websocket'], reconnection: false })
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject) })
    const answer = (await socket.emitWithAck('order:submit', { showtimeId, tickets: 1, email: 'new@example.com' })) as { ok: boolean; orderId: string }
    assert.equal(answer.ok, true)
    socket.close()
  })
})
