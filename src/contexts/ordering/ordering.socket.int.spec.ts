import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { shopper } from '../../../test/support/shoppers.ts'

const showtimeId = 'dune-breda-1'

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

  test('a socket without a browser session is refused with the reason', async () => {
    const { io } = await import('socket.io-client')
    const socket = io(url, { transports: ['websocket'], reconnection: false })
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    assert.match(error.message, /no browser session/)
    socket.close()
  })
})
