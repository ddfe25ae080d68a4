import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { DataOf, MessageDefinition } from '../../messaging/message.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { member } from '../../../test/support/members.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor, type Visitor } from '../../../test/support/visitor.ts'
import { accounts } from '../accounts/index.ts'
import { VipConfirmed, VipGranted, VipRevoked } from '../accounts/messages.ts'
import { notifications } from '../notifications/index.ts'
import { ops } from '../ops/index.ts'
import { reviews } from './index.ts'

interface Listed { reviews: number; average?: number; items: { reviewId: string; author: string; stars: number; text: string; yours: boolean; shared: boolean; vip: boolean }[] }

for (const shape of shapes) {
  describe(`reviews on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [notifications, accounts, ops, reviews])
      await node.schedule(showtime('dune-reviews', { movieId: 'dune', movieTitle: 'Dune' }))
      await node.schedule(showtime('alien-reviews', { movieId: 'alien', movieTitle: 'Alien' }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/movies/alien/reviews`)).status, 200, 'alien listed'), { what: 'the movies listed' })
    })
    after(() => node?.stop())

    const listOf = async (who: Visitor, movieId: string) => (await who.call('GET', `/api/movies/${movieId}/reviews`)).body as Listed
    const progress = async (who: Visitor, ...ids: string[]) =>
      ((await who.call('GET', `/api/reviews/mine?ids=${ids.join(',')}`)).body as { items: { reviewId: string; state: string; why?: string }[] }).items
    const write = (who: Visitor, review: Record<string, unknown>) => who.call('POST', '/api/reviews', review)
    const storedRows = async (reviewId: string) =>
      (await node.world.db.query('select 1 from reviews.reviews where review_id = $1', [reviewId])).rows.length

    test('a review sent twice is stored once, and goes into the movie\'s list and average for everyone; its text is escaped', async () => {
      const ada = await member(node, 'ada-reviews@example.com', 'Ada')
      const reviewId = randomUUID()
      const review = { reviewId, movieId: 'dune', stars: 5, text: 'Spice <script>alert(1)</script> & sand.' }
      assert.equal((await write(ada, review)).status, 202)
      assert.equal((await write(ada, review)).status, 202, 'the retry is taken as well')
      await eventually(async () => assert.deepEqual(await progress(ada, reviewId), [{ reviewId, state: 'stored' }], 'stored'), { what: 'the review stored' })
      const stranger = visitor(node.url)
      await eventually(async () => assert.equal((await listOf(stranger, 'dune')).reviews, 1, 'in the shared list'), { what: 'the shared list' })
      assert.equal(await storedRows(reviewId), 1)
      const seen = await listOf(stranger, 'dune')
      assert.deepEqual([seen.average, seen.items.map((r) => [r.author, r.stars, r.text, r.yours])], [5, [['Ada', 5, review.text, false]]])
      const page = (await stranger.call('GET', '/movies/dune/reviews')).body as string
      assert.ok(page.includes('Spice &lt;script&gt;alert(1)&lt;/script&gt; &amp; sand.'), 'escaped on the page')
      assert.ok(!page.includes('<script>alert'), 'never as HTML')
    })

    test('a second review of the same movie is refused as a duplicate, and its writer is told why; a good one elsewhere is not held up', async () => {
      const bo = await member(node, 'bo-reviews@example.com')
      const first = randomUUID()
      const second = randomUUID()
      const elsewhere = randomUUID()
      assert.equal((await write(bo, { reviewId: first, movieId: 'alien', stars: 3, text: 'Tense.' })).status, 202)
      await eventually(async () => assert.equal((await progress(bo, first))[0]?.state, 'stored', 'first stored'), { what: 'the first review' })
      assert.equal((await write(bo, { reviewId: second, movieId: 'alien', stars: 1, text: 'Changed my mind.' })).status, 202)
      await eventually(async () => assert.deepEqual(await progress(bo, second), [{ reviewId: second, state: 'refused', reason: 'duplicate', why: 'You have reviewed this movie already.' }], 'refused'),
        { what: 'the duplicate refused' })
      assert.equal(await storedRows(second), 0, 'nothing stored for it')
      assert.deepEqual((await listOf(bo, 'alien')).items.filter((r) => r.yours).map((r) => r.text), ['Tense.'])
      assert.equal((await write(bo, { reviewId: elsewhere, movieId: 'dune', stars: 4, text: 'Better.' })).status, 202)
      await eventually(async () => assert.equal((await progress(bo, elsewhere))[0]?.state, 'stored', 'another movie stored'), { what: 'the review of another movie' })
    })

    test('bad reviews are refused at once with the reason, nothing stored, and no one else\'s reviews can be read', async () => {
      const cy = await member(node, 'cy-reviews@example.com')
      const good = { movieId: 'dune', stars: 4, text: 'Fine.' }
      const bad: [string, Record<string, unknown>, number][] = [
        ['empty text', { ...good, text: '   ' }, 400],
        ['too long', { ...good, text: 'x'.repeat(2_001) }, 400],
        ['no stars', { ...good, stars: 0 }, 400],
        ['six stars', { ...good, stars: 6 }, 400],
        ['stars as a string', { ...good, stars: '4' }, 400],
        ['half a star', { ...good, stars: 3.5 }, 400],
        ['text not a string', { ...good, text: ['a'] }, 400],
        ['an unknown field', { ...good, accountId: randomUUID() }, 400],
        ['a movie id that is no slug', { ...good, movieId: '../dune' }, 400],
        ['a movie reviews do not know', { ...good, movieId: 'no-such-movie' }, 404],
        ['a review id that is no uuid', { ...good, reviewId: 'r1' }, 400],
      ]
      for (const [what, review, status] of bad) {
        const reviewId = typeof review.reviewId === 'string' ? review.reviewId : randomUUID()
        const answer = await write(cy, { reviewId, ...review })
        assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`)
        assert.ok(answer.body.error.message, `${what} says why`)
      }
      const tooLong = await write(cy, { reviewId: randomUUID(), ...good, text: 'x'.repeat(2_001) })
      assert.match(tooLong.body.error.details[0].message, /at most 2,000 characters/)
      const stranger = visitor(node.url)
      assert.equal((await write(stranger, { reviewId: randomUUID(), ...good })).status, 401, 'log in first')
      const { rows } = await node.world.db.query<{ n: number }>(
        `select count(*)::int as n from reviews.reviews r join accounts.emails e on e.account_id = r.account_id where e.email_key = 'cy-reviews@example.com'`)
      assert.equal(rows[0]?.n, 0, 'nothing stored')

      const ada = await member(node, 'ada2-reviews@example.com')
      const hers = randomUUID()
      assert.equal((await write(ada, { reviewId: hers, ...good })).status, 202)
      await eventually(async () => assert.equal((await progress(ada, hers))[0]?.state, 'stored', 'hers stored'), { what: 'her review' })
      assert.deepEqual(await progress(cy, hers), [{ reviewId: hers, state: 'unknown' }], 'someone else\'s review id tells nothing')
      assert.equal((await stranger.call('GET', `/api/reviews/mine?ids=${hers}`)).status, 401)
      assert.equal((await cy.call('GET', '/api/reviews/mine?ids=not-a-uuid')).status, 400)
      assert.equal((await cy.call('GET', `/api/reviews/mine?ids=${Array.from({ length: 51 }, randomUUID).join(',')}`)).status, 400)
    })

    test('with the projection delay on, the writer sees their review in the list and the average at once; everyone else once it catches up', async () => {
      const dee = await member(node, 'dee-reviews@example.com', 'Dee')
      const staff = admin(node.url)
      const stranger = visitor(node.url)
      const before = await listOf(stranger, 'alien')
      assert.equal((await staff.call('PUT', '/api/ops/switches', { projectionDelayMs: 4_000 })).body.projectionDelayMs, 4_000)
      try {
        const reviewId = randomUUID()
        assert.equal((await write(dee, { reviewId, movieId: 'alien', stars: 1, text: 'Too dark.' })).status, 202)
        await eventually(async () => assert.equal((await progress(dee, reviewId))[0]?.state, 'stored', 'stored'), { what: 'the review stored' })
        const own = await listOf(dee, 'alien')
        assert.deepEqual(own.items[0], { ...own.items[0], reviewId, author: 'Dee', yours: true, shared: false }, 'hers first, marked not shared yet')
        assert.equal(own.reviews, before.reviews + 1, 'counted in her average too')
        assert.match((await dee.call('GET', '/movies/alien/reviews')).body, /everyone else sees it in a moment/)
        const others = await listOf(stranger, 'alien')
        assert.deepEqual([others.reviews, others.items.some((r) => r.reviewId === reviewId)], [before.reviews, false], 'everyone else sees the old list')
        await eventually(async () => assert.equal((await listOf(stranger, 'alien')).reviews, before.reviews + 1, 'caught up'), { what: 'the shared list to catch up' })
        const caughtUp = await listOf(dee, 'alien')
        assert.deepEqual([caughtUp.reviews, caughtUp.items.filter((r) => r.reviewId === reviewId).map((r) => r.shared)], [before.reviews + 1, [true]], 'counted once')
      } finally {
        await staff.call('PUT', '/api/ops/switches', { projectionDelayMs: 0 })
      }
    })

    test('a VIP member\'s reviews carry the VIP mark, read from who is VIP now: revoked, the mark goes from all of them and the reviews stay; a subscription\'s events count in any order, and twice', async () => {
      const eve = await member(node, 'eve-reviews@example.com', 'Eve')
      const stranger = visitor(node.url)
      const ids = { dune: randomUUID(), alien: randomUUID() }
      for (const [movieId, reviewId] of Object.entries(ids)) assert.equal((await write(eve, { reviewId, movieId, stars: 4, text: `Eve on ${movieId}.` })).status, 202)
      const shown = async () => Promise.all(Object.entries(ids).map(async ([movieId, reviewId]) => (await listOf(stranger, movieId)).items.find((r) => r.reviewId === reviewId)))
      const marks = async () => (await shown()).map((r) => r?.vip)
      await eventually(async () => assert.deepEqual(await marks(), [false, false], 'both shown, without the mark'), { what: 'her reviews shown' })
      const accountId = (await node.world.db.query<{ id: string }>('select account_id::text as id from reviews.reviews where review_id = $1', [ids.dune])).rows[0]!.id
      /** Accounts' event, as accounts would publish it, once reviews has handled it (its inbox has its id). */
      const heard = async <D extends MessageDefinition>(definition: D, data: DataOf<D>) => {
        const { messageId } = await node.bus.session('accounts').publish(definition, data)
        await eventually(async () => assert.equal((await node.world.db.query(`select 1 from messaging.inbox where queue = 'reviews' and message_id = $1`, [messageId])).rows.length, 1, 'handled'),
          { what: `reviews to handle ${definition.type}` })
      }
      const onPage = async (reviewId: string) => {
        const page = (await stranger.call('GET', '/movies/dune/reviews')).body as string
        const at = page.indexOf(`data-review-id="${reviewId}"`)
        assert.ok(at >= 0, 'the review is on the page')
        return page.slice(at).split('</li>')[0]!
      }

      const first = randomUUID()
      await heard(VipGranted, { accountId, subscriptionId: first })
      assert.deepEqual(await marks(), [true, true], 'VIP at once, before the payment: the mark on every review of hers')
      assert.equal((await listOf(eve, 'dune')).items.find((r) => r.yours)?.vip, true, 'in her own view too')
      assert.match(await onPage(ids.dune), /<span class="review__vip"[^>]*>VIP<\/span>/, 'on the page')

      await heard(VipRevoked, { accountId, subscriptionId: first, reason: 'payment-failed' })
      assert.deepEqual(await marks(), [false, false], 'revoked: the mark is gone from every review of hers')
      assert.deepEqual((await shown()).map((r) => r?.text), ['Eve on dune.', 'Eve on alien.'], 'the reviews stay')
      assert.doesNotMatch(await onPage(ids.dune), /review__vip/, 'nor on the page')

      // The revoked subscription's grant and confirmation heard late, and its revocation twice: it stays revoked.
      await heard(VipConfirmed, { accountId, subscriptionId: first })
      await heard(VipGranted, { accountId, subscriptionId: first })
      await heard(VipRevoked, { accountId, subscriptionId: first, reason: 'payment-failed' })
      assert.deepEqual(await marks(), [false, false], 'a revoked subscription stays revoked')

      // A subscription whose revocation is heard before its grant.
      const second = randomUUID()
      await heard(VipRevoked, { accountId, subscriptionId: second, reason: 'payment-failed' })
      await heard(VipGranted, { accountId, subscriptionId: second })
      await heard(VipConfirmed, { accountId, subscriptionId: second })
      assert.deepEqual(await marks(), [false, false], 'revoked, whatever came after')

      // The next one confirmed before its grant is heard, while an older one's revocation arrives again meanwhile.
      const third = randomUUID()
      await heard(VipConfirmed, { accountId, subscriptionId: third })
      await heard(VipRevoked, { accountId, subscriptionId: first, reason: 'payment-failed' })
      await heard(VipGranted, { accountId, subscriptionId: third })
      assert.deepEqual(await marks(), [true, true], 'VIP again: the mark is back on every review of hers')
    })
  })
}
