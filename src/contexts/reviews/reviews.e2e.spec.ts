import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { embeddedSiteAndBrowser, logInAsNew as newMember } from '../../../test/support/browser.ts'

describe('reviews in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('reviews')

  const logInAsNew = (page: Page, email: string) => newMember(site.browser, site.url, page, email)
  const stored = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('popcornStoredReviews') ?? '[]') as { text: string; state: string }[])

  test('a review is shown at once as pending, survives a reload while it cannot be sent, then is reconciled; a refused one says why', { timeout: 180_000 }, async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await logInAsNew(page, 'rey@example.com')
    await page.goto(`${site.url}/movies/dune`)
    await page.getByRole('link', { name: 'Reviews' }).click()
    await page.getByRole('heading', { name: 'Reviews' }).waitFor()

    // A spell offline: the review cannot reach Popcorn, and the page is reloaded meanwhile.
    await page.route('**/api/reviews', (route) => route.abort('internetdisconnected'))
    const text = 'Worth the <img src=x onerror="document.title=1"> sand.'
    await page.getByLabel('5 of 5 stars').check()
    await page.fill('#review-text', text)
    await page.getByRole('button', { name: 'Post review' }).click()
    const local = page.locator('#reviews-local li.review--pending')
    await local.waitFor()
    assert.match(await local.innerText(), /Pending/)
    await page.reload()
    await local.waitFor()
    assert.equal(await local.locator('.review__text').innerText(), text, 'still there after the reload, as text')
    assert.deepEqual((await stored(page)).map((r) => [r.text, r.state]), [[text, 'pending']])
    assert.equal(await page.locator('#reviews-list li').count(), 0, 'the server does not have it yet')

    // Back online: it is sent, stored, and the browser's copy goes once the server's list has it.
    await page.unroute('**/api/reviews')
    const mine = page.locator('#reviews-list li.review--yours')
    await mine.waitFor({ timeout: 30_000 })
    assert.equal(await mine.locator('.review__text').innerText(), text)
    await page.locator('#reviews-local li').waitFor({ state: 'detached' })
    assert.deepEqual(await stored(page), [], 'the local copy is gone')
    assert.equal(await page.locator('#reviews img').count(), 0, 'never rendered as HTML')
    assert.match(await page.locator('#reviews-summary').innerText(), /5\.0 of 5 stars from 1 review/)

    // A second review of the same movie: refused by the server, shown with the reason until dismissed.
    await page.getByLabel('2 of 5 stars').check()
    await page.fill('#review-text', 'On second thought…')
    await page.getByRole('button', { name: 'Post review' }).click()
    const refused = page.locator('#reviews-local li.review--refused')
    await refused.waitFor({ timeout: 30_000 })
    assert.match(await refused.innerText(), /Not posted: You have reviewed this movie already\./)
    await page.reload()
    await refused.waitFor()
    await refused.getByRole('button', { name: 'Dismiss' }).click()
    await refused.waitFor({ state: 'detached' })
    assert.deepEqual(await stored(page), [])

    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `the reviews page fits a phone (${width} px wide)`)

    const anonymous = await site.browser.newPage()
    await anonymous.goto(`${site.url}/movies/dune/reviews`)
    assert.equal(await anonymous.locator('#reviews-list li .review__text').innerText(), text, 'everyone sees it')
    assert.equal(await anonymous.locator('#review-form').count(), 0, 'no form without logging in')
    await anonymous.close()
    await context.close()
  })
})
