import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper, type Order, type Shopper } from '../../../test/support/shoppers.ts'
import { ordering } from './index.ts'

interface Decided {
  readonly status: string
  readonly outcome: { outcome: string; orderId: string; reason?: string; held?: number; limit?: number; refundCents?: number; alternative?: unknown } | null
  readonly decidedAt: string | null
}

for (const shape of shapes) {
  describe(`a showing's per-buyer cap, on ${shape.name}`, () => {
    let node: PopcornNode
    const shoppers: Shopper[] = []
    const browser = () => {
      const s = shopper()
      shoppers.push(s)
      return s
    }
    beforeEach(async () => {
      node = await startPopcornNode(shape, [ordering])
    })
    afterEach(async () => {
      shoppers.splice(0).forEach((s) => s.close())
      await node.stop()
    })

    const open = async (showtimeId: string, overrides: Parameters<typeof showtime>[1]) => {
      await node.schedule(showtime(showtimeId, overrides))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/${showtimeId}/seats`)).status, 200), { what: `${showtimeId} opened` })
    }
    const seatsLeft = async (showtimeId: string) => ((await (await fetch(`${node.url}/api/showtimes/${showtimeId}/seats`)).json()) as { seatsLeft: number }).seatsLeft
    /** Over HTTP, as a script would; the answer once the writer decided. */
    const decided = async (who: Shopper, orderId: string): Promise<Decided> => eventually(async () => {
      const order = (await (await fetch(`${node.url}/api/orders/${orderId}`, { headers: { cookie: await who.sessionCookie(node.url) } })).json()) as Decided
      assert.ok(order.decidedAt, `order ${orderId} not decided yet`)
      return order
    }, { what: `order ${orderId} decided` })
    const overHttp = async (who: Shopper, order: Order) => {
      const placed = await who.order(node.url, order)
      assert.equal(placed.status, 202, `placed: ${JSON.stringify(placed)}`)
      return decided(who, placed.orderId!)
    }
    const overSocket = async (who: Shopper, order: Order) => {
      const placed = await (await who.connect(node.url)).submit(order)
      assert.ok(placed.ok && placed.orderId, `placed: ${JSON.stringify(placed)}`)
      return decided(who, placed.orderId)
    }

    test('one buyer holds the cap at most, over HTTP, the socket, other sessions from the same address and aliases of the address', async () => {
      await open('capped', { capacity: 100, ticketsPerBuyer: 6 })
      const ada = browser()
      const order = (tickets: number, email = 'ada@example.com') => ({ showtimeId: 'capped', tickets, email })

      assert.equal((await overHttp(ada, order(3))).status, 'accepted')
      assert.equal((await overSocket(ada, order(2))).status, 'accepted')
      // A second browser of the same person, from the same address, with the address written otherwise.
      const again = await overHttp(browser(), order(2, 'Ada+again@EXAMPLE.com'))
      assert.deepEqual([again.status, again.outcome], ['limit-reached', { outcome: 'limit-reached', orderId: again.outcome!.orderId, showtimeId: 'capped', held: 5, limit: 6 }])
      // The same browser with another e-mail address: the session holds 5 already.
      assert.equal((await overSocket(ada, order(2, 'not-ada@example.com'))).status, 'limit-reached')
      // Up to the cap, exactly: this browser to 6 (with a friend's address), then the address to 6 from a new browser.
      assert.equal((await overHttp(ada, order(1, 'friend-of-ada@example.com'))).status, 'accepted')
      assert.equal((await overHttp(ada, order(1, 'another-friend@example.com'))).status, 'limit-reached')
      assert.equal((await overHttp(browser(), order(1, 'ADA@example.com'))).status, 'accepted')
      assert.equal((await overSocket(browser(), order(1, 'a.d.a@example.com'))).status, 'accepted', 'dots count only at Gmail')
      assert.equal((await overHttp(browser(), order(1, 'ada+3@example.com'))).status, 'limit-reached')
      // Someone else still orders the whole cap.
      assert.equal((await overSocket(browser(), order(6, 'grace@example.com'))).status, 'accepted')
      assert.equal(await seatsLeft('capped'), 100 - 6 - 1 - 1 - 6)
    })

    test('twenty orders of one person at once, each from its own browser: exactly the cap is sold to them', async () => {
      await open('rushed', { capacity: 100, ticketsPerBuyer: 6 })
      const placed = await Promise.all(Array.from({ length: 20 }, async () => {
        const who = browser()
        const answer = await who.order(node.url, { showtimeId: 'rushed', tickets: 1, email: 'bot@example.com' })
        return { who, orderId: answer.orderId! }
      }))
      const outcomes = await Promise.all(placed.map(({ who, orderId }) => decided(who, orderId)))
      const statuses = outcomes.map((o) => o.status).sort()
      assert.deepEqual(statuses, [...Array(6).fill('accepted'), ...Array(14).fill('limit-reached')])
      assert.equal(await seatsLeft('rushed'), 94)
    })

    test('optimistic: orders accepted at the edge past their buyer\'s cap are cancelled and refunded, no other showing offered', async () => {
      await open('hopeful', { capacity: 100, policy: 'optimistic', ticketsPerBuyer: 4, priceCents: 1250 })
      const placed = await Promise.all(Array.from({ length: 3 }, async () => {
        const who = browser()
        const answer = await who.order(node.url, { showtimeId: 'hopeful', tickets: 2, email: 'eager@example.com' })
        assert.equal(answer.answer, 'accepted', 'told "accepted" at the edge')
        return { who, orderId: answer.orderId! }
      }))
      const outcomes = await Promise.all(placed.map(({ who, orderId }) => decided(who, orderId)))
      const cancelled = outcomes.filter((o) => o.status === 'cancelled')
      assert.equal(outcomes.filter((o) => o.status === 'accepted').length, 2)
      assert.equal(cancelled.length, 1)
      assert.deepEqual({ ...cancelled[0]!.outcome, orderId: undefined }, {
        outcome: 'cancelled', orderId: undefined, showtimeId: 'hopeful', reason: 'buyer-limit', refundCents: 2500, alternative: null, held: 4, limit: 4,
      })
      assert.equal(await seatsLeft('hopeful'), 96)
      const page = await (await fetch(`${node.url}/orders/${placed[outcomes.indexOf(cancelled[0]!)]!.orderId}`)).text()
      assert.match(page, /this order would take you past 4 tickets per person for this showing, so it is cancelled and €25\.00 is refunded in full/)
    })
  })
}
