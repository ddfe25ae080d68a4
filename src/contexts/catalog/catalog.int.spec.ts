import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually, sleep } from '../../../test/support/eventually.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { MessageCatalog, type DataOf } from '../../messaging/message.ts'
import { catalog } from './index.ts'
import { catalogMessages, ShowtimeScheduled } from './messages.ts'
import { seedCatalog } from './seed.ts'

type Scheduled = DataOf<typeof ShowtimeScheduled>

interface Row {
  id: string
  movie_id: string
  theater_id: string
  starts_at: Date
  capacity: number
  price_cents: number
  ticket_type: string
  policy: string
  drawing_at: Date | null
}

for (const shape of shapes) {
  describe(`catalog seeding on ${shape.name}`, () => {
    let world: World
    let bus: Bus
    let seen: Scheduled[]

    beforeEach(async () => {
      world = await shape.create([catalog.migrations!])
      bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(catalogMessages), logger: testLogger, instanceId: randomUUID().slice(0, 8) })
      seen = []
      await bus.start(defineEndpoint({ name: 'catalog-observer', handlers: [handle(ShowtimeScheduled, (m) => void seen.push(m))] }))
    })
    afterEach(async () => {
      await bus.stop()
      await world.destroy()
    })

    const showtimes = async () => (await world.db.query<Row>('select * from catalog.showtimes order by id')).rows

    test('seeds the demo: six theaters, three movies, the finale free on 19 screens by drawing; one ShowtimeScheduled per showtime', async () => {
      await catalog.onStart!({ db: world.db, session: bus.session('catalog') })

      const theaters = (await world.db.query<{ name: string }>('select name from catalog.theaters order by name')).rows.map((t) => t.name)
      assert.deepEqual(theaters, ['Breda', 'Den Haag – Scheveningen', 'Den Haag – Spuimarkt', 'Eindhoven', 'Rotterdam – De Kuip', 'Rotterdam – Schouwburgplein'])
      const movies = (await world.db.query<{ id: string }>('select id from catalog.movies order by id')).rows.map((m) => m.id)
      assert.deepEqual(movies, ['dune', 'got-finale', 'top-gun-maverick'])

      const rows = await showtimes()
      const finale = rows.filter((s) => s.movie_id === 'got-finale')
      assert.equal(finale.length, 19)
      assert.equal(new Set(finale.map((s) => s.theater_id)).size, 6)
      assert.equal(new Set(finale.map((s) => s.starts_at.getTime())).size, 1, 'all on one evening')
      for (const s of finale) {
        assert.equal(s.ticket_type, 'drawing')
        assert.equal(s.price_cents, 0)
        assert.ok(s.drawing_at && s.drawing_at < s.starts_at, 'drawn before the showing')
        assert.ok(s.capacity >= 120 && s.capacity <= 450)
      }
      const seats = finale.reduce((sum, s) => sum + s.capacity, 0)
      assert.ok(seats >= 2000 && seats <= 10_000, `${seats} seats for the finale`)

      const paid = rows.filter((s) => s.movie_id !== 'got-finale')
      assert.ok(paid.every((s) => s.ticket_type !== 'drawing' && s.drawing_at === null && s.price_cents > 0))
      assert.ok(paid.some((s) => s.ticket_type === 'morning'))
      const regular = paid.filter((s) => s.ticket_type === 'regular')
      assert.ok(paid.filter((s) => s.ticket_type === 'morning').every((m) => m.price_cents < regular[0]!.price_cents))
      assert.ok(rows.every((s) => s.starts_at > new Date()), 'every showtime is in the future')
      assert.deepEqual(new Set(rows.map((s) => s.policy)), new Set(['strict', 'optimistic']))

      await eventually(() => assert.equal(seen.length, rows.length))
      assert.deepEqual(seen.map((e) => e.showtimeId).sort(), rows.map((s) => s.id))
      const event = seen.find((e) => e.showtimeId === 'got-finale-rotterdam-kuip-1')!
      const row = rows.find((s) => s.id === 'got-finale-rotterdam-kuip-1')!
      assert.deepEqual(event, {
        showtimeId: row.id, movieId: 'got-finale', theaterId: 'rotterdam-kuip',
        movieTitle: 'Game of Thrones: The Iron Throne', theaterName: 'Rotterdam – De Kuip', screen: 'Zaal 1',
        startsAt: row.starts_at.toISOString(), capacity: row.capacity, priceCents: 0,
        ticketType: 'drawing', policy: 'strict', drawingAt: row.drawing_at!.toISOString(), ticketsPerBuyer: 10,
      })
    })

    test('a second start seeds nothing and publishes nothing', async () => {
      const first = await seedCatalog(bus.session('catalog'), new Date())
      await eventually(() => assert.equal(seen.length, first))
      const before = await showtimes()

      assert.equal(await seedCatalog(bus.session('catalog'), new Date(Date.now() + 86_400_000)), 0)

      await sleep(300)
      assert.equal(seen.length, first)
      assert.deepEqual(await showtimes(), before)
    })

    test('two processes starting together seed once', async () => {
      const counts = await Promise.all([seedCatalog(bus.session('catalog'), new Date()), seedCatalog(bus.session('catalog-too'), new Date())])

      assert.equal(counts.filter((n) => n > 0).length, 1)
      const total = counts[0]! + counts[1]!
      assert.equal((await showtimes()).length, total)
      await eventually(() => assert.equal(seen.length, total))
      await sleep(300)
      assert.equal(seen.length, total)
    })
  })
}
