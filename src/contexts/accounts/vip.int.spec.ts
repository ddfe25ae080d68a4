import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { io } from 'socket.io-client'
import { eventually } from '../../../test/support/eventually.ts'
import { member } from '../../../test/support/members.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor, type Visitor } from '../../../test/support/visitor.ts'
import { billing } from '../billing/index.ts'
import { notifications } from '../notifications/index.ts'
import { ops } from '../ops/index.ts'
import { accounts } from './index.ts'
import { reviews } from '../reviews/index.ts'

const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

for (const shape of shapes) {
  describe(`VIP on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [notifications, accounts, billing, ops, reviews])
      await node.schedule(showtime('vip-dune', { startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }))
    })
    after(() => node?.stop())

    const statusOf = async (who: Visitor) => (await who.call('GET', '/api/account/vip')).body.status as string
    const mails = async (to: string) => (await node.world.db.query<{ kind: string; subject: string }>(
      `select kind, subject from notifications.mailbox where lower(to_address) = lower($1) and kind like 'vip-%' order by sent_at`, [to])).rows
    const captures = async () => (await node.world.db.query<{ n: number }>(`select count(*)::int as n from billing.provider_operations where kind = 'capture'`)).rows[0]!.n
    const subscribe = (who: Visitor, card: string) => who.submit('/account/vip', { card })

    test('a payment that goes through confirms VIP, charges once and says so by e-mail', async () => {
      const ada = await member(node, 'ada-vip@example.com')
      const before = await captures()
      assert.equal(await statusOf(ada), 'none')
      const taken = await subscribe(ada, '4242 4242 4242 4242')
      assert.deepEqual([taken.status, taken.headers.get('location')], [303, '/account/vip'])
      await eventually(async () => assert.equal(await statusOf(ada), 'active', 'confirmed'), { what: 'VIP confirmed' })
      await eventually(async () => assert.deepEqual((await mails('ada-vip@example.com')).map((m) => m.kind), ['vip-confirmed'], 'e-mailed'), { what: 'the e-mail' })
      assert.equal(await captures(), before + 1, 'charged once')
      assert.match(words((await ada.call('GET', '/account/vip')).body), /You are VIP\. Your first payment of €\s?9[.,]99 went through/)
      assert.equal((await subscribe(ada, '4242424242424242')).status, 409, 'not twice')
    })

    test('a payment that fails revokes the VIP granted meanwhile, charges nothing and sends the e-mail', async () => {
      const bo = await member(node, 'bo-vip@example.com')
      const staff = admin(node.url)
      const before = await captures()
      // Ops makes the provider slow, so that VIP granted before the answer is there to see.
      assert.equal((await staff.call('PUT', '/api/ops/switches', { paymentDelayMs: 3_000 })).body.paymentDelayMs, 3_000)
      try {
        assert.equal((await subscribe(bo, '4000 0000 0000 0002')).status, 303)
        assert.equal(await statusOf(bo), 'pending', 'VIP at once, before the payment')
        assert.match(words((await bo.call('GET', '/account/vip')).body), /You are VIP\. We are taking your first payment/)
        await eventually(async () => assert.equal(await statusOf(bo), 'revoked', 'revoked'), { what: 'VIP revoked' })
      } finally {
        await staff.call('PUT', '/api/ops/switches', { paymentDelayMs: 0 })
      }
      await eventually(async () => assert.deepEqual((await mails('bo-vip@example.com')).map((m) => m.kind), ['vip-revoked'], 'e-mailed'), { what: 'the e-mail' })
      assert.match((await mails('bo-vip@example.com'))[0]!.subject, /payment did not go through/)
      assert.equal(await captures(), before, 'nothing charged')
      assert.match(words((await bo.call('GET', '/account/vip')).body), /Your payment did not go through, so VIP is off again\. Nothing was charged\./)

      // Ops declines everything: even a good card is refused, until the switch is off again.
      assert.equal((await staff.call('PUT', '/api/ops/switches', { paymentsFailing: 1 })).body.paymentsFailing, 1)
      try {
        assert.equal((await subscribe(bo, '4242 4242 4242 4242')).status, 303, 'after a failed payment, VIP can be taken again')
        await eventually(async () => assert.equal((await mails('bo-vip@example.com')).length, 2, 'a second e-mail'), { what: 'the second outcome' })
        assert.equal(await statusOf(bo), 'revoked')
      } finally {
        await staff.call('PUT', '/api/ops/switches', { paymentsFailing: 0 })
      }
      assert.equal((await subscribe(bo, '4242 4242 4242 4242')).status, 303)
      await eventually(async () => assert.equal(await statusOf(bo), 'active', 'paid at last'), { what: 'VIP confirmed' })
    })

    test('bad card numbers, no login, a stale form or a stranger change nothing', async () => {
      const cy = await member(node, 'cy-vip@example.com')
      for (const card of ['', '4242', '1234 5678 9012 3456', '4242<script>', 'x'.repeat(41)]) {
        const refused = await subscribe(cy, card)
        assert.equal(refused.status, 400, JSON.stringify(card))
        assert.match(words(refused.body), /Card number:/, 'says what is wrong')
      }
      assert.equal((await cy.call('POST', '/account/vip', 'card=4242424242424242')).status, 403, 'no form token')
      assert.equal(await statusOf(cy), 'none', 'nothing stored')
      const stranger = visitor(node.url)
      assert.equal((await stranger.submit('/account/vip', { card: '4242424242424242' })).headers.get('location'), '/account/login')
      assert.equal((await stranger.call('GET', '/api/account/vip')).status, 401)
      assert.equal((await stranger.call('PUT', '/api/ops/switches', { paymentsFailing: 1 })).status, 401, 'the switches are for admins')
      assert.equal((await admin(node.url).call('PUT', '/api/ops/switches', { paymentsFailing: 2 })).status, 400)
      assert.equal((await admin(node.url).call('PUT', '/api/ops/switches', { noSuchSwitch: 1 })).status, 400)
    })

    test('the VIP perk and its policy: a VIP member’s review carries the mark while VIP lasts; revoked, the mark goes and the review stays', async () => {
      const dee = await member(node, 'dee-vip@example.com', 'Dee')
      const reviewId = randomUUID()
      assert.equal((await dee.call('POST', '/api/reviews', { reviewId, movieId: 'dune', stars: 4, text: 'Sand, everywhere.' })).status, 202)
      const shown = async () => ((await visitor(node.url).call('GET', '/api/movies/dune/reviews')).body as { items: { reviewId: string; vip: boolean }[] }).items.find((r) => r.reviewId === reviewId)
      await eventually(async () => assert.equal((await shown())?.vip, false, 'shown, no mark'), { what: 'the review shown' })
      // Declined slowly: VIP is granted at once and lasts until the answer.
      assert.equal((await subscribe(dee, '4000 0000 0000 0341')).status, 303)
      await eventually(async () => assert.equal((await shown())?.vip, true, 'the mark while VIP'), { what: 'the VIP mark' })
      await eventually(async () => assert.equal(await statusOf(dee), 'revoked', 'revoked'), { what: 'VIP revoked', timeoutMs: 30_000 })
      await eventually(async () => assert.equal((await shown())?.vip, false, 'the mark gone'), { what: 'the mark gone' })
      assert.ok(await shown(), 'the review stays')
    })

    test('the outcome is pushed to every browser where the person is logged in, and to nobody else', async () => {
      const eli = await member(node, 'eli-vip@example.com')
      const elsewhere = visitor(node.url)
      assert.equal((await elsewhere.submit('/account/login', { email: 'eli-vip@example.com', password: 'popcorn-2026!' })).status, 303, 'logged in in another browser')
      const fen = await member(node, 'fen-vip@example.com')
      /** A browser's socket, as vip.js opens it, and what it is pushed. */
      const listen = (who: Visitor) => new Promise<{ pushed: unknown[]; close: () => void }>((resolve, reject) => {
        const socket = io(node.url, { transports: ['websocket', 'polling'], tryAllTransports: true, extraHeaders: { cookie: who.cookie() } })
        const pushed: unknown[] = []
        socket.on('vip:settled', (data: unknown) => pushed.push(data))
        socket.once('connect', () => resolve({ pushed, close: () => socket.close() }))
        socket.once('connect_error', reject)
      })
      const [here, there, theirs] = await Promise.all([listen(eli), listen(elsewhere), listen(fen)])
      try {
        assert.equal((await subscribe(eli, '4000 0000 0000 0002')).status, 303)
        await eventually(() => assert.deepEqual([here.pushed, there.pushed], [[{ status: 'revoked' }], [{ status: 'revoked' }]], 'pushed to both of her browsers'),
          { what: 'the outcome pushed' })
        assert.equal(await statusOf(eli), 'revoked', 'as the page would find when it asks')
        assert.deepEqual(theirs.pushed, [], 'not to someone else')
      } finally {
        for (const socket of [here, there, theirs]) socket.close()
      }
    })
  })
}
