import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { capturingLogger } from '../../../test/support/log-capture.ts'
import { testLogger } from '../../../test/support/logger.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { buildApp } from '../../app.ts'
import { createBus, type Bus } from '../../messaging/bus.ts'
import { MessageCatalog } from '../../messaging/message.ts'
import { maxTicketsPerOrder } from '../ordering/messages.ts'
import { catalog } from './index.ts'
import { catalogMessages } from './messages.ts'
import { seedCatalog } from './seed.ts'

const evil = '<script>alert(1)</script>'

describe('the catalog pages and JSON API', () => {
  let world: World
  let bus: Bus
  let app: FastifyInstance
  const get = (url: string) => app.inject({ url })
  const html = async (url: string, status = 200) => {
    const response = await get(url)
    assert.equal(response.statusCode, status, `${url}: ${response.body.slice(0, 300)}`)
    assert.match(String(response.headers['content-type']), /^text\/html/)
    return response.body
  }

  before(async () => {
    world = await shapes[0]!.create([catalog.migrations!])
    bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog(catalogMessages), logger: testLogger, instanceId: 'pages' })
    await seedCatalog(bus.session('catalog'), new Date())
    // Text from the database that must never become markup.
    await world.db.query(`insert into catalog.movies (id, title, year, runtime_minutes, synopsis, rating) values ('evil', $1, 2024, 90, $2, 'AL')`, [evil, '"><img src=x onerror=alert(2)>'])
    await world.db.query(`insert into catalog.theaters (id, name, city, address) values ('evil-theater', $1, 'Nowhere', '<b>bold</b>')`, [evil])
    await world.db.query(`insert into catalog.showtimes (id, movie_id, theater_id, screen, starts_at, capacity, price_cents, ticket_type, policy)
      values ('evil-1', 'evil', 'evil-theater', $1, now() + interval '2 days', 100, 1000, 'regular', 'strict')`, ['"><i>screen</i>'])
    app = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [catalog], logger: testLogger, maxBodyBytes: 4096, describe: () => ({}) })
  })
  after(async () => {
    await app.close()
    await bus.stop()
    await world.destroy()
  })

  test('the home page: what is on, each movie with its next showtimes, in the layout', async () => {
    const page = await html('/')
    assert.match(page, /<title>What’s on · Popcorn<\/title>/)
    assert.match(page, /<nav aria-label="Main">/)
    for (const link of ['/movies', '/theaters', '/admin']) assert.ok(page.includes(`href="${link}"`), link)
    for (const link of ['/mailbox', '/api/ops/failed-messages']) assert.ok(!page.includes(`href="${link}"`), `${link}: the staff's, not in a customer's menu`)
    for (const title of ['Game of Thrones: The Iron Throne', 'Dune', 'Top Gun: Maverick']) assert.ok(page.includes(title), title)
    assert.ok(page.includes('href="/movies/dune"'))
    assert.match(page, /href="\/movies\/top-gun-maverick\?showtime=top-gun-maverick-[a-z-]+-\d+#order"/)
    assert.match(page, /Enter the drawing/)
    assert.match(page, /on 19 screens/)
    assert.match(page, /<link rel="stylesheet" href="\/assets\/popcorn\.css\?v=[0-9a-f]+">/)
  })

  test('the movies list', async () => {
    const page = await html('/movies')
    for (const id of ['dune', 'got-finale', 'top-gun-maverick']) assert.ok(page.includes(`href="/movies/${id}"`), id)
    assert.ok(page.includes('aria-current="page">Movies</a>'))
  })

  test('a movie page has the order form: theater, showtime with prices, tickets, e-mail, a total and a status output', async () => {
    const page = await html('/movies/dune')
    assert.match(page, /<form id="order-form" class="form" data-movie="dune"/)
    assert.match(page, /<label for="order-theater">Theater<\/label>/)
    assert.match(page, /<label for="order-showtime">Showtime<\/label>\s*<select id="order-showtime" name="showtimeId" required>/)
    assert.match(page, /<label for="order-tickets">Number of tickets<\/label>\s*<select id="order-tickets" name="tickets" aria-describedby="order-tickets-hint">/)
    assert.match(page, /<label for="order-email">E-mail<\/label>\s*<input id="order-email" name="email" type="email"/)
    assert.ok(page.includes(`<option value="${maxTicketsPerOrder}">${maxTicketsPerOrder}</option>`))
    assert.ok(!page.includes(`<option value="${maxTicketsPerOrder + 1}">`))
    assert.match(page, /<optgroup label="Breda" data-theater="breda">/)
    assert.match(page, /<option value="dune-breda-1" data-price-cents="1250" data-ticket-type="regular" data-tickets-per-buyer="10" selected>[^<]+ · Zaal \d · €12\.50<\/option>/)
    assert.match(page, /<p id="order-tickets-hint" class="hint">At most 10 per person for this showing, over all your orders\.<\/p>/)
    assert.match(page, /data-price-cents="850" data-ticket-type="morning"[^>]*>[^<]+€8\.50 morning<\/option>/)
    assert.match(page, /<output id="order-total" for="order-showtime order-tickets">€12\.50<\/output>/)
    assert.match(page, /<\/form>\s*<output id="order-status" class="order__status" aria-live="polite"><\/output>/)
    assert.match(page, /<script src="\/assets\/order-form\.js\?v=[0-9a-f]+" defer><\/script>/)
  })

  test('a movie page says which showings are sold out or nearly full, from ordering\'s view', async () => {
    const seatsLeft = new Map([['dune-breda-1', 0], ['dune-breda-2', 3], ['dune-eindhoven-1', 1], ['dune-eindhoven-2', 200]])
    const availability = { soldOut: async () => new Set(['dune-breda-1']), seatsLeft: async (ids: readonly string[]) => new Map([...seatsLeft].filter(([id]) => ids.includes(id))) }
    const viewed = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [catalog], logger: testLogger, maxBodyBytes: 4096, describe: () => ({}), availability })
    try {
      const page = (await viewed.inject({ url: '/movies/dune' })).body
      assert.match(page, /<option value="dune-breda-1"[^>]* data-seats-left="0"[^>]*>[^<]+€12\.50 · sold out<\/option>/)
      assert.match(page, /<option value="dune-breda-2"[^>]*>[^<]+ · 3 seats left<\/option>/)
      assert.match(page, /<option value="dune-eindhoven-1"[^>]*>[^<]+ · 1 seat left<\/option>/)
      const roomy = /<option value="dune-eindhoven-2"[^>]* data-seats-left="200"[^>]*>([^<]+)<\/option>/.exec(page)?.[1] ?? ''
      assert.ok(roomy && !/left|sold out/.test(roomy), `plenty of room says nothing: ${roomy}`)
      // The chosen one (the first) is sold out, and the form says so before anyone orders.
      assert.match(page, /<p id="order-availability" class="note note--sold-out" aria-live="polite">Sold out: every seat of this showing is taken/)
      const another = (await viewed.inject({ url: '/movies/dune?showtime=dune-eindhoven-2' })).body
      assert.match(another, /<p id="order-availability"[^>]* hidden>/)
    } finally {
      await viewed.close()
    }
  })

  test('a chosen showtime is preselected; a drawing says it is a free entry and when it is drawn', async () => {
    const page = await html('/movies/got-finale?showtime=got-finale-eindhoven-2')
    assert.match(page, /<option value="got-finale-eindhoven-2"[^>]* data-drawing-at="[^"]+Z" data-drawing-label="[^"]+" selected>/)
    assert.match(page, /Free drawing entry: seats are drawn on \w{3} \d{1,2} \w{3}, \d\d:\d\d/)
    assert.match(page, /<output id="order-total"[^>]*>Free<\/output>/)
    assert.match(page, /<button id="order-submit" class="button button--accent" type="submit">Enter the drawing<\/button>/)
    assert.match(await html('/movies/top-gun-maverick?showtime=top-gun-maverick-rotterdam-kuip-2'), /Morning show, at a lower price\./)
  })

  test('a showtime\'s own address leads to its movie\'s order form with it chosen; an unknown one is a 404', async () => {
    const response = await get('/showtimes/top-gun-maverick-breda-1')
    assert.equal(response.statusCode, 303)
    assert.equal(response.headers.location, '/movies/top-gun-maverick?showtime=top-gun-maverick-breda-1#order')
    assert.match(await html('/showtimes/the-room-1', 404), /no showtime &quot;the-room-1&quot;/)
    assert.equal((await get('/showtimes/%3Cscript%3E')).statusCode, 400)
  })

  test('theaters, and a theater with its showtimes by movie', async () => {
    const list = await html('/theaters')
    for (const id of ['rotterdam-kuip', 'rotterdam-schouwburgplein', 'den-haag-spuimarkt', 'den-haag-scheveningen', 'breda', 'eindhoven']) assert.ok(list.includes(`href="/theaters/${id}"`), id)
    const breda = await html('/theaters/breda')
    assert.match(breda, /<h1>Breda<\/h1>/)
    for (const id of ['dune', 'top-gun-maverick', 'got-finale']) assert.ok(breda.includes(`<h2 id="movie-${id}"`), id)
    assert.match(breda, /href="\/movies\/dune\?showtime=dune-breda-1#order"/)
  })

  test('unknown ids and routes get a 404 page; the API answers them with its error shape', async () => {
    assert.match(await html('/movies/the-room', 404), /no movie &quot;the-room&quot;/)
    assert.match(await html('/theaters/tilburg', 404), /no theater &quot;tilburg&quot;/)
    const missing = await html('/no/such/page', 404)
    assert.match(missing, /<title>Not found · Popcorn<\/title>/)
    assert.match(missing, /There is nothing at this address/)
    assert.doesNotMatch(missing, /no route/)
    for (const url of ['/api/movies/the-room', '/api/showtimes/the-room-1', '/api/nothing']) {
      const response = await get(url)
      assert.equal(response.statusCode, 404, url)
      assert.equal(response.json().error.code, 'NOT_FOUND')
    }
  })

  test('bad params are a 400 with code BAD_REQUEST that says which and why', async () => {
    for (const url of ['/api/movies/Not%20A%20Slug', '/api/showtimes/%3Cscript%3E', `/api/movies/${'a'.repeat(81)}`]) {
      const response = await get(url)
      assert.equal(response.statusCode, 400, url)
      assert.equal(response.json().error.code, 'BAD_REQUEST')
      assert.match(response.json().error.message, /invalid path/)
    }
    // The page speaks to a person; the API's answer says which field and why.
    const page = await html('/movies/dune?showtime=DROP%20TABLE', 400)
    assert.match(page, /That link is not one we can read/)
    assert.doesNotMatch(page, /invalid query|✖/)
  })

  test('the JSON API: movies, a movie with its showtimes, a showtime', async () => {
    const movies = (await get('/api/movies')).json() as { items: { id: string; runtimeMinutes: number }[] }
    assert.deepEqual(movies.items.map((m) => m.id).sort(), ['dune', 'evil', 'got-finale', 'top-gun-maverick'])
    assert.equal(movies.items.find((m) => m.id === 'dune')!.runtimeMinutes, 155)

    const dune = (await get('/api/movies/dune')).json()
    assert.equal(dune.title, 'Dune')
    assert.ok(dune.showtimes.length > 0)
    assert.ok(dune.showtimes.every((s: { movieId: string; startsAt: string }) => s.movieId === 'dune' && !Number.isNaN(Date.parse(s.startsAt))))

    const showtime = (await get('/api/showtimes/got-finale-breda-1')).json()
    assert.deepEqual(
      { ...showtime, startsAt: typeof showtime.startsAt, drawingAt: typeof showtime.drawingAt },
      { id: 'got-finale-breda-1', movieId: 'got-finale', theaterId: 'breda', screen: 'Zaal 1', startsAt: 'string', capacity: 360, priceCents: 0, ticketType: 'drawing', policy: 'strict', drawingAt: 'string', ticketsPerBuyer: 10, movieTitle: 'Game of Thrones: The Iron Throne', theaterName: 'Breda' },
    )
  })

  test('text from the database is escaped on every page', async () => {
    for (const url of ['/', '/movies', '/movies/evil', '/theaters', '/theaters/evil-theater']) {
      const page = await html(url)
      assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), url)
      assert.ok(!page.includes(evil), url)
      assert.ok(!page.includes('<img src=x'), url)
      assert.ok(!page.includes('<i>screen</i>') && !page.includes('<b>bold</b>'), url)
    }
  })

  test('assets are served, versioned ones cached for good', async () => {
    const css = await get('/assets/popcorn.css?v=1')
    assert.equal(css.statusCode, 200)
    assert.match(String(css.headers['content-type']), /^text\/css/)
    assert.match(String(css.headers['cache-control']), /immutable/)
    const script = await get('/assets/order-form.js')
    assert.equal(script.statusCode, 200)
    assert.match(script.body, /popcorn:order/)
    assert.equal(script.headers['cache-control'], 'no-cache')
    assert.equal((await get('/assets/nothing.css')).json().error.code, 'NOT_FOUND')
  })

  test('a path that climbs out of the assets, however it is spelled, is a 404 with nothing logged as an error', async () => {
    const { logger, lines } = capturingLogger()
    const guarded = await buildApp({ bus, db: world.db, session: bus.session('web'), contexts: [catalog], logger, maxBodyBytes: 4096, describe: () => ({}) })
    try {
      for (const url of ['/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/.%2e/.%2e/package.json', '/assets/%2e%2e%2fpackage.json',
        '/assets/..%2fpackage.json', '/assets/%252e%252e/package.json', '/assets/....//package.json', '/assets/%c0%ae%c0%ae/package.json',
        '/assets/..\\package.json', '/assets/%5c..%5cpackage.json', '/%2e%2e/package.json', '/movies/%c0%ae']) {
        const response = await guarded.inject({ url })
        assert.equal(response.statusCode, 404, `${url}: ${response.body.slice(0, 200)}`)
        assert.doesNotMatch(response.body, /"name":\s*"popcorn"|dependencies/, url)
      }
    } finally {
      await guarded.close()
    }
    assert.deepEqual(lines.filter((line) => Number(line.level) >= 50), [])
  })
})
