import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { member } from '../../../test/support/members.ts'
import { startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor, type Visitor } from '../../../test/support/visitor.ts'
import { accounts } from '../accounts/index.ts'
import { drawing } from '../drawing/index.ts'
import { notifications } from '../notifications/index.ts'
import { ops } from '../ops/index.ts'
import { ordering } from '../ordering/index.ts'
import { catalog } from './index.ts'
import { seedCatalog } from './seed.ts'

const day = 86_400_000
const inDays = (days: number, hour = 20) => {
  const at = new Date(Date.now() + days * day)
  at.setUTCHours(hour, 0, 0, 0)
  return at.toISOString()
}
const movie = (overrides: Record<string, unknown> = {}) =>
  ({ changeId: randomUUID(), title: 'Dune: Part Two', year: 2024, runtimeMinutes: 166, rating: '12', synopsis: 'Paul unites with the Fremen.', ...overrides })
const showing = (movieId: string, overrides: Record<string, unknown> = {}) => ({
  changeId: randomUUID(), movieId, theaterId: 'breda', screen: 'Zaal 9', startsAt: inDays(20), capacity: 120, priceCents: 1250,
  ticketType: 'regular', policy: 'strict', ticketsPerBuyer: 10, ...overrides,
})

for (const shape of shapes) {
  describe(`admins change the catalog on ${shape.name}`, () => {
    let node: PopcornNode
    let ada: Visitor
    const staff = () => admin(node.url)
    const adminsCatalog = async (who: Visitor) => (await who.call('GET', '/api/admin/catalog')).body as {
      lag: { changes: number }; movies: { id: string; title: string; pending: boolean }[]; showtimes: { id: string; capacity: number; pending: boolean }[]
    }
    const publicMovies = async () => ((await visitor(node.url).call('GET', '/api/movies')).body as { items: { id: string; title: string }[] }).items
    const changesStored = async () => (await node.world.db.query<{ n: number }>('select count(*)::int as n from catalog.changes')).rows[0]!.n
    const accountIdOf = async (email: string) =>
      (await node.world.db.query<{ id: string }>('select account_id as id from accounts.emails where email_key = $1', [email])).rows[0]!.id

    before(async () => {
      node = await startPopcornNode(shape, [catalog, ordering, drawing, notifications, accounts, ops])
      await seedCatalog(node.bus.session('catalog'), new Date())
      ada = await member(node, 'ada@example.com', 'Ada')
      assert.equal((await staff().call('PUT', `/api/admin/accounts/${await accountIdOf('ada@example.com')}/admin`, { admin: true })).status, 200)
    })
    after(async () => {
      await staff().call('PUT', '/api/ops/switches', { projectionDelayMs: 0 })
      await node?.stop()
    })

    test('the admin role is given by an admin, to confirmed accounts only, and taken back at once; nobody else gets in', async () => {
      const bob = await member(node, 'bob@example.com')
      const bobId = await accountIdOf('bob@example.com')
      assert.equal((await bob.call('GET', '/admin/catalog')).status, 403, 'a customer’s account is not an admin’s')
      assert.equal((await bob.call('PUT', `/api/admin/accounts/${bobId}/admin`, { admin: true })).status, 403, 'nor can it make itself one')
      assert.equal((await visitor(node.url).call('GET', '/api/admin/catalog')).status, 401, 'anonymous')
      assert.equal((await ada.call('GET', '/admin/catalog')).status, 200, 'an admin account, without the password')
      assert.equal((await ada.call('GET', '/api/ops/switches')).status, 200, 'ops is the admins’ too')

      const carol = visitor(node.url)
      assert.equal((await carol.submit('/account/register', { email: 'carol@example.com', password: 'popcorn-2026!' })).status, 201)
      const refused = await ada.call('PUT', `/api/admin/accounts/${await accountIdOf('carol@example.com')}/admin`, { admin: true })
      assert.equal(refused.status, 409, 'an address not confirmed is not made an admin')
      assert.equal((await ada.call('PUT', `/api/admin/accounts/${randomUUID()}/admin`, { admin: true })).status, 404)
      assert.equal((await ada.call('PUT', `/api/admin/accounts/not-an-id/admin`, { admin: true })).status, 400)
      assert.equal((await ada.call('PUT', `/api/admin/accounts/${bobId}/admin`, { admin: 'yes' })).status, 400, 'a boolean, nothing looser')

      assert.equal((await ada.call('PUT', `/api/admin/accounts/${bobId}/admin`, { admin: true })).status, 200)
      assert.equal((await bob.call('GET', '/admin/catalog')).status, 200)
      const staffPage = await ada.call('GET', '/admin/accounts')
      assert.match(staffPage.body, /Take back/)
      assert.equal((await ada.call('PUT', `/api/admin/accounts/${bobId}/admin`, { admin: false })).status, 200)
      assert.equal((await bob.call('GET', '/admin/catalog')).status, 403, 'the role taken back counts at once')
    })

    test('with the projection delay on, the admin sees their new movie and showing at once; everyone else once the catalog catches up', async () => {
      assert.equal((await staff().call('PUT', '/api/ops/switches', { projectionDelayMs: 5000 })).status, 200)
      const added = await ada.call('POST', '/api/admin/catalog/movies', movie({ title: 'Arrival', year: 2016 }))
      assert.equal(added.status, 202, JSON.stringify(added.body))
      const id = added.body.change.data.id
      assert.equal(id, 'arrival')

      const own = await adminsCatalog(ada)
      assert.deepEqual(own.movies.find((m) => m.id === id), { ...own.movies.find((m) => m.id === id), title: 'Arrival', pending: true }, 'the writer reads their write')
      assert.ok(own.lag.changes >= 1)
      assert.ok(!(await publicMovies()).some((m) => m.id === id), 'the public catalog does not show it yet')
      assert.ok(!(await adminsCatalog(staff() as unknown as Visitor)).movies.some((m) => m.id === id), 'nor does another admin’s view')
      assert.equal((await visitor(node.url).call('GET', `/movies/${id}`)).status, 404)

      const scheduled = await ada.call('POST', '/api/admin/catalog/showtimes', showing(id))
      assert.equal(scheduled.status, 202, JSON.stringify(scheduled.body))
      const showtimeId = scheduled.body.change.data.id
      assert.ok((await adminsCatalog(ada)).showtimes.some((s) => s.id === showtimeId && s.pending), 'the admin sees the showing at once')
      // Ordering opens the seats from the announcement, not from the lagging catalog.
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/${showtimeId}/seats`)).status, 200, 'seats open'), { what: 'the seats' })

      await eventually(async () => assert.ok((await publicMovies()).some((m) => m.id === id), 'public at last'), { what: 'the public catalog catching up' })
      await eventually(async () => {
        const caughtUp = await adminsCatalog(ada)
        assert.equal(caughtUp.lag.changes, 0, 'no lag left')
        assert.ok(caughtUp.movies.some((m) => m.id === id && !m.pending), 'no longer only the admin’s')
      }, { what: 'the lag gone' })
      const page = await visitor(node.url).call('GET', `/movies/${id}`)
      assert.equal(page.status, 200)
      assert.match(page.body, /Zaal 9/)
    })

    test('seats added to a showing reach its writer; a drawing showing opens a drawing and keeps its seats', async () => {
      await staff().call('PUT', '/api/ops/switches', { projectionDelayMs: 0 })
      const { body: { change } } = await ada.call('POST', '/api/admin/catalog/showtimes', showing('dune', { screen: 'Zaal 7', capacity: 50 }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/${change.data.id}/seats`)).status, 200, 'seats open'), { what: 'the seats' })
      const more = await ada.call('POST', `/api/admin/catalog/showtimes/${change.data.id}/seats`, { changeId: randomUUID(), seats: 25 })
      assert.equal(more.status, 202, JSON.stringify(more.body))
      await eventually(async () => {
        const seats = await (await fetch(`${node.url}/api/showtimes/${change.data.id}/seats`)).json() as { capacity: number; seatsLeft: number }
        assert.deepEqual(seats, { showtimeId: change.data.id, capacity: 75, seatsLeft: 75 }, 'the writer added them')
      }, { what: 'the seats added' })
      await eventually(async () => assert.equal((await adminsCatalog(ada)).showtimes.find((s) => s.id === change.data.id)?.capacity, 75, 'the catalog too'), { what: 'the catalog' })

      const drawingAt = inDays(10)
      const draw = await ada.call('POST', '/api/admin/catalog/showtimes', showing('dune', { screen: 'Zaal 8', ticketType: 'drawing', drawingAt, priceCents: 900 }))
      assert.equal(draw.status, 202, JSON.stringify(draw.body))
      assert.equal(draw.body.change.data.priceCents, 0, 'a drawing is free')
      await eventually(async () => {
        const { rows } = await node.world.db.query<{ capacity: number }>('select capacity from drawing.drawings where showtime_id = $1', [draw.body.change.data.id])
        assert.equal(rows[0]?.capacity, 120, 'the drawing is open')
      }, { what: 'the drawing opened' })
      const fixed = await ada.call('POST', `/api/admin/catalog/showtimes/${draw.body.change.data.id}/seats`, { changeId: randomUUID(), seats: 5 })
      assert.equal(fixed.status, 409)
      assert.equal(fixed.body.error.details.refused, 'drawing-capacity')
    })

    test('a change sent twice is made once; what cannot be is refused with its reason, and bad input changes nothing', async () => {
      const once = movie({ title: 'Paterson', year: 2016 })
      assert.equal((await ada.call('POST', '/api/admin/catalog/movies', once)).status, 202)
      const twice = await ada.call('POST', '/api/admin/catalog/movies', once)
      assert.equal(twice.status, 200)
      assert.equal(twice.body.again, true)
      assert.equal((await adminsCatalog(ada)).movies.filter((m) => m.title === 'Paterson').length, 1)

      const refusals: [Record<string, unknown>, string][] = [
        [showing('no-such-movie'), 'unknown-movie'],
        [showing('dune', { theaterId: 'atlantis' }), 'unknown-theater'],
        [showing('dune', { startsAt: inDays(-1) }), 'in-the-past'],
        [showing('dune', { ticketType: 'drawing' }), 'drawing-date'],
        [showing('dune', { drawingAt: inDays(5) }), 'drawing-date'],
        [showing('dune', { ticketType: 'drawing', drawingAt: inDays(30) }), 'drawing-date'],
        [showing('dune', { screen: 'Zaal 7' }), 'screen-taken'],
      ]
      for (const [body, why] of refusals) {
        const answer = await ada.call('POST', '/api/admin/catalog/showtimes', body)
        assert.equal(answer.status, 409, `${why}: ${JSON.stringify(answer.body)}`)
        assert.equal(answer.body.error.details.refused, why)
      }

      const before = await changesStored()
      const bad: Record<string, unknown>[] = [
        movie({ title: '' }), movie({ title: 'x'.repeat(201) }), movie({ year: '1e3' }), movie({ year: true }), movie({ runtimeMinutes: ' 90' }),
        movie({ rating: 'R' }), movie({ changeId: 'again' }), movie({ extra: 1 }), movie({ title: 'Bell\u0007' }), movie({ synopsis: 'x'.repeat(2001) }),
        showing('dune', { capacity: 0 }), showing('dune', { capacity: '10x' }), showing('dune', { priceCents: -1 }), showing('dune', { startsAt: 'tomorrow' }),
        showing('dune', { ticketType: 'vip' }), showing('dune', { movieId: '../etc' }), showing('dune', { ticketsPerBuyer: 0 }),
      ]
      for (const body of bad) {
        const path = 'movieId' in body ? '/api/admin/catalog/showtimes' : '/api/admin/catalog/movies'
        const answer = await ada.call('POST', path, body)
        assert.equal(answer.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${answer.status}`)
      }
      assert.equal((await ada.call('POST', '/api/admin/catalog/showtimes/dune-x/seats', { changeId: randomUUID(), seats: 1.5 })).status, 400)
      assert.equal((await ada.call('POST', '/api/admin/catalog/showtimes/no-such/seats', { changeId: randomUUID(), seats: 5 })).status, 409)
      assert.equal(await changesStored(), before, 'nothing stored')
    })

    test('the forms: wall-clock times and euros, a form token required, and every title shown as text', async () => {
      const page = await ada.call('GET', '/admin/catalog')
      assert.equal(page.status, 200)
      const noToken = await ada.call('POST', '/admin/catalog/movies', new URLSearchParams({ changeId: randomUUID(), title: 'X', year: '2020', runtimeMinutes: '90', rating: 'AL' }).toString())
      assert.equal(noToken.status, 403, 'no form token, no change')

      const added = await ada.submit('/admin/catalog/movies', { changeId: randomUUID(), title: '<script>alert(1)</script> & Co', year: '2020', runtimeMinutes: '90', rating: 'AL', synopsis: '' })
      assert.equal(added.status, 201, /id="catalog-problem">([^<]*)/.exec(added.body)?.[1])
      assert.ok(!added.body.includes('<script>alert(1)'), 'escaped')
      assert.match(added.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; Co/)

      const when = new Date(Date.now() + 40 * day)
      const wallClock = `${when.toISOString().slice(0, 10)}T19:30`
      const scheduled = await ada.submit('/admin/catalog/showtimes', {
        changeId: randomUUID(), movieId: 'dune', theaterId: 'eindhoven', screen: 'Zaal 4', startsAt: wallClock, capacity: '80', price: '11,50',
        ticketType: 'regular', policy: 'optimistic', drawingAt: '', ticketsPerBuyer: '6',
      })
      assert.equal(scheduled.status, 201, scheduled.body.slice(0, 500))
      const { rows } = await node.world.db.query<{ data: { startsAt: string; priceCents: number } }>(
        `select data from catalog.changes where kind = 'showtime-scheduled' and data->>'screen' = 'Zaal 4'`)
      assert.equal(rows[0]!.data.priceCents, 1150)
      assert.match(rows[0]!.data.startsAt, /T1[78]:30:00/, 'Amsterdam 19:30 is 18:30 or 17:30 UTC')

      const wrong = await ada.submit('/admin/catalog/showtimes', { changeId: randomUUID(), movieId: 'dune', theaterId: 'eindhoven', screen: 'Zaal 4', startsAt: 'soon', capacity: '80', price: '11.5.0', ticketType: 'regular', policy: 'strict' })
      assert.equal(wrong.status, 400)
      assert.match(wrong.body, /Starts:/)
    })
  })
}
