import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { eventually } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { MessageCatalog } from '../../messaging/message.ts'
import { SagaTimeout } from '../../messaging/saga.ts'
import { ShowtimeScheduled } from '../catalog/messages.ts'
import { DrawingEntered } from '../ordering/messages.ts'
import { drawingEndpoint } from './endpoint.ts'
import { entryIdOf } from './entry-id.ts'
import { drawing } from './index.ts'
import { commitmentOf } from './seed.ts'
import { verifyDrawing, type Fetch } from './verification.ts'

const catalog = new MessageCatalog([SagaTimeout, ...drawing.messages])
const evil = '<script>alert(1)</script>'

const scheduled = (showtimeId: string, drawingAt: Date | null, overrides: { movieTitle?: string; capacity?: number } = {}) => ({
  showtimeId, movieId: 'got-finale', theaterId: 'breda', movieTitle: 'Game of Thrones: The Iron Throne', theaterName: 'Breda',
  screen: 'Zaal 1', startsAt: '2026-12-01T20:00:00.000Z', capacity: 3, priceCents: drawingAt ? 0 : 1250,
  ticketType: drawingAt ? 'drawing' as const : 'regular' as const, policy: 'strict' as const, drawingAt: drawingAt?.toISOString() ?? null, ...overrides,
})

for (const shape of shapes) {
  describe(`the drawing's page and JSON on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let app: FastifyInstance
    const entrants = Array.from({ length: 5 }, (_, i) => ({ orderId: randomUUID(), email: `person${i}@example.com`, tickets: 1 + (i % 2) }))
    const get = (url: string) => app.inject({ url })
    const json = async (url: string, status = 200) => {
      const response = await get(url)
      assert.equal(response.statusCode, status, `${url}: ${response.body}`)
      assert.match(String(response.headers['content-type']), /^application\/json/)
      return response.json()
    }
    const html = async (url: string, status = 200) => {
      const response = await get(url)
      assert.equal(response.statusCode, status, `${url}: ${response.body.slice(0, 300)}`)
      assert.match(String(response.headers['content-type']), /^text\/html/)
      return response.body
    }
    const inject: Fetch = async (path) => {
      const response = await get(path)
      return { status: response.statusCode, body: response.json() }
    }

    before(async () => {
      world = await shape.create([drawing.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog, logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      await bus.start(drawingEndpoint({ graceMs: () => 0 }))
      app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [drawing], logger: testLogger, maxBodyBytes: 65_536, describe: () => ({}) })
      const catalogSession = bus.session('catalog')
      await catalogSession.publish(ShowtimeScheduled, scheduled('got-open', new Date(Date.now() + 3_600_000), { movieTitle: evil }))
      await catalogSession.publish(ShowtimeScheduled, scheduled('got-soon', new Date(Date.now() + 4_000)))
      await catalogSession.publish(ShowtimeScheduled, scheduled('dune-regular', null))
      await eventually(async () => assert.equal((await world.db.query('select 1 from drawing.drawings')).rowCount, 2))
      for (const showtimeId of ['got-open', 'got-soon']) {
        for (const e of entrants) await bus.session('ordering').publish(DrawingEntered, { ...e, orderId: showtimeId === 'got-open' ? e.orderId : randomUUID(), showtimeId, drawingAt: new Date().toISOString() })
      }
      await eventually(async () => assert.equal((await world.db.query('select 1 from drawing.entries')).rowCount, 10))
    })
    after(async () => {
      await app.close()
      await bus.stop()
      await world.destroy()
    })

    test('an open drawing: its facts and commitment, never its seed; its entries by public id, never an address or order id', async () => {
      const d = await json('/api/drawings/got-open')
      assert.deepEqual(Object.keys(d).sort(), [
        'algorithm', 'capacity', 'commitment', 'commitmentIs', 'drawAt', 'entries', 'entriesCloseAt', 'heldAt', 'links', 'movieTitle',
        'seatsAwarded', 'seed', 'showtimeId', 'startsAt', 'status', 'theaterName', 'winners',
      ])
      assert.equal(d.status, 'open')
      assert.equal(d.capacity, 3)
      assert.equal(d.entries, 5)
      assert.equal(d.algorithm, 'popcorn-draw-v1')
      assert.match(d.commitment, /^[0-9a-f]{64}$/)
      assert.deepEqual([d.seed, d.heldAt, d.winners, d.seatsAwarded], [null, null, null, null])
      assert.deepEqual(d.links, { page: '/drawings/got-open', entries: '/api/drawings/got-open/entries', result: '/api/drawings/got-open/result' })

      const listed = await json('/api/drawings/got-open/entries')
      assert.equal(listed.final, false)
      assert.equal(listed.count, 5)
      for (const e of listed.entries) assert.deepEqual(Object.keys(e).sort(), ['enteredAt', 'entryId', 'tickets'])
      assert.deepEqual(listed.entries.map((e: { entryId: string }) => e.entryId), entrants.map((e) => entryIdOf(e.orderId)).sort())
      const body = JSON.stringify(listed) + JSON.stringify(d)
      assert.doesNotMatch(body, /@/)
      for (const e of entrants) assert.ok(!body.includes(e.orderId), 'no order id is published')

      const result = await json('/api/drawings/got-open/result', 409)
      assert.equal(result.error.code, 'CONFLICT')
      assert.match(result.error.message, /has not been held yet/)
    })

    test('the open drawing\'s page: status, when entries close, entries and seats, the commitment; user text escaped', async () => {
      const d = await json('/api/drawings/got-open')
      const page = await html('/drawings/got-open')
      assert.match(page, /Entries are open/)
      assert.ok(page.includes(d.commitment))
      assert.match(page, /3 seats · 5 entries/)
      assert.match(page, /revealed at the draw/)
      assert.match(page, /href="\/movies\/got-finale\?showtime=got-open#order"/)
      assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
      assert.ok(!page.includes(evil))
      assert.doesNotMatch(page, /@example\.com/)
    })

    test('once drawn: the seed matches its commitment, the winners are published in award order, and the verification agrees', async () => {
      const d = await eventually(async () => {
        const found = await json('/api/drawings/got-soon')
        assert.equal(found.status, 'drawn')
        return found
      }, { timeoutMs: 30_000 })
      assert.equal(commitmentOf(d.seed), d.commitment)
      const result = await json('/api/drawings/got-soon/result')
      assert.deepEqual(Object.keys(result).sort(), ['algorithm', 'capacity', 'heldAt', 'seatsAwarded', 'seed', 'showtimeId', 'winners'])
      assert.equal(result.winners.length, d.winners)
      assert.ok(result.seatsAwarded <= 3 && result.seatsAwarded === d.seatsAwarded)
      assert.equal((await json('/api/drawings/got-soon/entries')).final, true)

      const page = await html('/drawings/got-soon')
      assert.match(page, /Drawn at/)
      assert.ok(page.includes(d.seed))
      assert.ok(page.includes(`printf %s ${d.seed} | sha256sum`))

      const verified = await verifyDrawing(inject, 'got-soon')
      assert.deepEqual([verified.drawn, verified.ok], [true, true], verified.lines.join('\n'))
      assert.match(verified.lines.join('\n'), /✓ sha256\(seed\) = commitment/)
      assert.match(verified.lines.join('\n'), /✓ the draw re-run here gives the same/)
    })

    test('the verification notices a seed that is not the committed one, and winners that are not the draw\'s', async () => {
      await eventually(async () => assert.equal((await json('/api/drawings/got-soon')).status, 'drawn'), { timeoutMs: 30_000 })
      const tampered = (change: (path: string, body: Record<string, unknown>) => Record<string, unknown>): Fetch => async (path) => {
        const answer = await inject(path)
        return { ...answer, body: change(path, answer.body as Record<string, unknown>) }
      }
      const otherSeed = 'f'.repeat(64)
      const badSeed = await verifyDrawing(tampered((path, body) => (path.endsWith('got-soon') || path.endsWith('/result') ? { ...body, seed: otherSeed } : body)), 'got-soon')
      assert.equal(badSeed.ok, false)
      assert.match(badSeed.lines.join('\n'), /✗ sha256\(seed\)/)
      const reordered = await verifyDrawing(tampered((path, body) =>
        (path.endsWith('/result') ? { ...body, winners: [...(body.winners as unknown[])].reverse() } : body)), 'got-soon')
      // 3 seats among entries of 1 and 2 tickets: always two winners or more, so reversed is another order.
      assert.ok(((await json('/api/drawings/got-soon/result')).winners as unknown[]).length >= 2)
      assert.equal(reordered.ok, false)
      assert.match(reordered.lines.join('\n'), /✗ the draw re-run here/)
      const open = await verifyDrawing(inject, 'got-open')
      assert.deepEqual([open.drawn, open.ok], [false, false])
      assert.match(open.lines[0]!, /not drawn yet/)
      await assert.rejects(verifyDrawing(inject, 'nope'), /HTTP 404 — no drawing for showtime "nope"/)
    })

    test('unknown showtimes and showtimes without a drawing are 404; bad ids are 400; pages answer in HTML', async () => {
      for (const url of ['/api/drawings/nope', '/api/drawings/nope/entries', '/api/drawings/nope/result', '/api/drawings/dune-regular']) {
        const error = (await json(url, 404)).error
        assert.equal(error.code, 'NOT_FOUND')
        assert.match(error.message, /no drawing for showtime "(nope|dune-regular)"/)
      }
      for (const url of ['/api/drawings/Bad_Id', `/api/drawings/${'a'.repeat(81)}`, '/api/drawings/%3Cb%3E/entries']) {
        const error = (await json(url, 400)).error
        assert.equal(error.code, 'BAD_REQUEST')
        assert.match(error.message, /showtimeId/)
      }
      const missing = await html('/drawings/nope', 404)
      assert.match(missing, /no drawing for showtime &quot;nope&quot;/)
      const bad = await html('/drawings/%3Cscript%3E', 400)
      assert.ok(!bad.includes('<script>'))
    })
  })
}
