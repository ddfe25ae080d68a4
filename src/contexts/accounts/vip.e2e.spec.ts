import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { embeddedSiteAndBrowser, logInAsNew as newMember } from '../../../test/support/browser.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('VIP in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('vip')

  const logInAsNew = (page: Page, email: string) => newMember(site.browser, site.url, page, email)

  test('subscribed with a card that is declined slowly: VIP at once, then revoked on the page by the server’s push, and by e-mail; the review’s mark goes', { timeout: 180_000 }, async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await logInAsNew(page, 'vic@example.com')

    // A review, to carry the VIP mark while VIP lasts.
    const reviewId = await page.evaluate(async () => {
      const id = crypto.randomUUID()
      await fetch('/api/reviews', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewId: id, movieId: 'dune', stars: 5, text: 'Worth it.' }) })
      return id
    })

    await page.goto(`${site.url}/account/vip`)
    await page.fill('#vip-card', '4000 0000 0000 0341')
    // The page's own asking is cut off: only the server's push can tell it the outcome.
    await page.route('**/api/account/vip', (route) => route.abort('internetdisconnected'))
    await page.getByRole('button', { name: 'Become VIP' }).click()
    assert.match(await page.locator('#vip-status').innerText(), /You are VIP\. We are taking your first payment/, 'granted at once')

    const reviews = await context.newPage()
    await reviews.goto(`${site.url}/movies/dune/reviews`)
    await reviews.locator(`[data-review-id="${reviewId}"] .review__vip`).waitFor({ timeout: 30_000 })

    await page.getByText('Your payment did not go through, so VIP is off again.').waitFor({ timeout: 60_000 })
    assert.match(await page.locator('#vip-status').innerText(), /The VIP mark on reviews you wrote meanwhile is gone with it/)

    await reviews.reload()
    await reviews.locator(`[data-review-id="${reviewId}"]`).waitFor()
    assert.equal(await reviews.locator(`[data-review-id="${reviewId}"] .review__vip`).count(), 0, 'the mark is gone, the review stays')

    const staff = await site.browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    const mailbox = await staff.newPage()
    await mailbox.goto(`${site.url}/mailbox?to=${encodeURIComponent('vic@example.com')}`)
    for (let i = 0; i < 100 && !(await mailbox.getByText('the payment did not go through').count()); i++) await mailbox.reload()
    assert.ok(await mailbox.getByText('the payment did not go through').count(), 'told by e-mail')
    await staff.close()
  })
})
