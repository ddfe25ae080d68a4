import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { embeddedSiteAndBrowser, logInAsNew } from '../../../test/support/browser.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('VIP in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('vip')

  test('subscribed with a card that is declined slowly: VIP at once, its mark on the review; then revoked on the page by the server’s push alone, the mark gone, the review there, and an e-mail', { timeout: 180_000 }, async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await logInAsNew(site.browser, site.url, page, 'vic@example.com')

    // A review first, written on its page, to carry the VIP mark while VIP lasts.
    await page.goto(`${site.url}/movies/dune/reviews`)
    await page.getByLabel('5 of 5 stars').check()
    await page.fill('#review-text', 'Worth the sand.')
    await page.getByRole('button', { name: 'Post review' }).click()
    const mine = page.locator('#reviews-list li.review--yours')
    await mine.waitFor({ timeout: 30_000 })
    const reviewId = await mine.getAttribute('data-review-id')
    assert.ok(reviewId, 'the review has its id on the page')
    assert.equal(await mine.locator('.review__vip').count(), 0, 'no mark before VIP')

    await page.goto(`${site.url}/account/vip`)
    assert.match(await page.locator('#vip').innerText(), /if it does not go through, VIP is off again and the mark goes from all your reviews, while the reviews themselves stay/, 'the policy, stated before subscribing')
    await page.fill('#vip-card', '4000 0000 0000 0341')
    // The page's own asking is cut off: only the server's push can tell it the outcome.
    await page.route('**/api/account/vip', (route) => route.abort('internetdisconnected'))
    await page.getByRole('button', { name: 'Become VIP' }).click()
    assert.match(await page.locator('#vip-status').innerText(), /You are VIP\. We are taking your first payment/, 'granted at once, the payment pending')

    // While the slow card keeps the payment pending (seconds, for a handler that takes milliseconds), the review carries
    // the mark: asked from this same page, which stays open for the push.
    const markOf = () => page.evaluate(async (id) => {
      const listed = await (await fetch('/api/movies/dune/reviews')).json() as { items: { reviewId: string; vip: boolean }[] }
      return listed.items.find((r) => r.reviewId === id)?.vip
    }, reviewId)
    await eventually(async () => assert.equal(await markOf(), true, 'the VIP mark while VIP'), { what: 'the VIP mark', intervalMs: 100 })

    await page.getByText('Your payment did not go through, so VIP is off again.').waitFor({ timeout: 60_000 })
    assert.match(await page.locator('#vip-status').innerText(), /The VIP mark is gone from all your reviews; the reviews themselves stay\./)
    await page.unroute('**/api/account/vip')

    await page.goto(`${site.url}/movies/dune/reviews`)
    const review = page.locator(`#reviews-list li[data-review-id="${reviewId}"]`)
    await review.waitFor()
    assert.equal(await review.locator('.review__text').innerText(), 'Worth the sand.', 'the review stays')
    assert.equal(await review.locator('.review__vip').count(), 0, 'its mark is gone')

    // The e-mail, as staff read the dev mailbox: it goes out through the outbox, so the mailbox is asked until it is there.
    const staff = await site.browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    const mailbox = await staff.newPage()
    const revoked = mailbox.locator('table.mailbox a', { hasText: 'Your Popcorn VIP membership is off' })
    await eventually(async () => {
      await mailbox.goto(`${site.url}/mailbox?to=${encodeURIComponent('vic@example.com')}`)
      assert.equal(await revoked.count(), 1, 'the vip-revoked e-mail is in the mailbox')
    }, { what: 'the vip-revoked e-mail', timeoutMs: 60_000, intervalMs: 250 })
    await revoked.click()
    assert.match(await mailbox.locator('pre.email-text').innerText(), /The VIP mark is gone from all your reviews; the reviews themselves stay\./)
    await staff.close()
    await context.close()
  })
})
