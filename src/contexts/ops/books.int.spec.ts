import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper } from '../../../test/support/shoppers.ts'
import { admin, visitor } from '../../../test/support/visitor.ts'
import { billing } from '../billing/index.ts'
import { ordering } from '../ordering/index.ts'
import { ops } from './index.ts'

const showtimeId = 'books-dune'

for (const shape of shapes) {
  describe(`the books on ${shape.name}`, () => {
    let node: PopcornNode
    const staff = () => admin(node.url)
    before(async () => {
      node = await startPopcornNode(shape, [ordering, billing, ops])
      await node.schedule(showtime(showtimeId, { startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), capacity: 100, priceCents: 1000 }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/${showtimeId}/seats`)).status, 200, 'the showing is open'), { what: 'the showing opened' })
    })
    after(() => node?.stop())

    test('per showing, ordering’s orders, the outcomes a page said it showed and billing’s payments side by side; who holds the writer', async () => {
      const ada = shopper()
      const socket = await ada.connect(node.url)
      const first = await socket.submit({ showtimeId, tickets: 2, email: 'ada@example.com' })
      const second = await socket.submit({ showtimeId, tickets: 3, email: 'ada@example.com' })
      assert.ok(first.ok && second.ok, 'both taken')
      await eventually(() => assert.ok(socket.outcomes.has(first.orderId!) && socket.outcomes.has(second.orderId!), 'both outcomes pushed'), { what: 'the outcomes' })
      // The page showed the first: its receipt counts; the second's page never said so; a stranger's receipt for it does not count.
      assert.deepEqual(await socket.socket.emitWithAck('order:seen', { orderId: first.orderId }), { ok: true, counted: true })
      assert.deepEqual(await socket.socket.emitWithAck('order:seen', { orderId: first.orderId }), { ok: true, counted: false }, 'once')
      const stranger = await shopper().connect(node.url)
      assert.deepEqual(await stranger.socket.emitWithAck('order:seen', { orderId: second.orderId }), { ok: true, counted: false }, 'not the stranger’s order')
      assert.equal(((await stranger.socket.emitWithAck('order:seen', { orderId: 'nope' })) as { ok: boolean }).ok, false, 'a receipt names an order by its id')

      await eventually(async () => {
        const { body } = await staff().call('GET', '/api/ops/books')
        const row = (body.rows as { showtimeId: string; cells: (string | number)[] }[]).find((r) => r.showtimeId === showtimeId)
        const cell = (column: string) => row?.cells[(body.columns as string[]).indexOf(column)]
        assert.deepEqual([cell('Accepted'), cell('Tickets sold'), cell('Seats left'), cell('Outcomes seen in a browser'), cell('Payments captured'), cell('Captured')],
          [2, 5, '95 of 100', '1 of 2', 2, '€50.00'], 'ordering and billing agree')
      }, { what: 'the books to agree', timeoutMs: 30_000 })
      await eventually(async () => {
        const { body } = await staff().call('GET', '/api/ops/books')
        assert.ok((body.writers as { queue: string }[]).some((w) => w.queue.startsWith('ordering.p')), 'the partition that decided them has its writer named')
      }, { what: 'the writer named at the next heartbeat', timeoutMs: 20_000 })

      const page = await staff().call('GET', `/ops/books/${showtimeId}`)
      assert.equal(page.status, 200)
      assert.match(page.body, /The seat stream/)
      assert.match(page.body, new RegExp(`<a href="/ops/conversations/${first.orderId}">`), 'a seat event links to its order’s conversation')
      assert.match(page.body, /Payments/)
      assert.match((await staff().call('GET', '/ops/books')).body, new RegExp(`<tr data-showtime="${showtimeId}">`))
      ada.close()
      stranger.socket.close()
    })

    test('the books are for admins, and a showing is named by its id', async () => {
      assert.equal((await visitor(node.url).call('GET', '/ops/books')).status, 401)
      assert.equal((await visitor(node.url).call('GET', '/api/ops/books')).status, 401)
      assert.equal((await staff().call('GET', '/ops/books/not%20an%20id')).status, 400)
    })
  })
}
