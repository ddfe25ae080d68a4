import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, linkFromMailbox } from '../../../test/support/browser.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('VIP in a browser (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  let browser: Browser
  const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-vip-'))

  before(async () => {
    popcorn = startPopcornProcess('start', { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn' })
    url = await popcorn.served
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    popcorn?.child.kill('SIGTERM')
    await popcorn?.exited
    rmSync(data, { recursive: true, force: true })
  })

  const logInAsNew = async (page: Page, email: string) => {
    await page.goto(`${url}/account/register`)
    await page.fill('#account-email', email)
    await page.fill('#account-password', 'popcorn-2026!')
    await page.getByRole('button', { name: 'Create my account' }).click()
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor()
    await page.goto(await linkFromMailbox(browser, url, testAdminPassword, email))
    await page.getByRole('button', { name: 'Confirm my address' }).click()
    await page.goto(`${url}/account/login`)
    await page.fill('#account-email', email)
    await page.fill('#account-password', 'popcorn-2026!')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: 'My orders' }).waitFor()
  }

  test('subscribed with a card that is declined slowly: VIP at once, then revoked on the page by the server’s push, and by e-mail; the review’s mark goes', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await logInAsNew(page, 'vic@example.com')

    // A review, to carry the VIP mark while VIP lasts.
    const reviewId = await page.evaluate(async () => {
      const id = crypto.randomUUID()
      await fetch('/api/reviews', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewId: id, movieId: 'dune', stars: 5, text: 'Worth it.' }) })
      return id
    })

    await page.goto(`${url}/account/vip`)
    await page.fill('#vip-card', '4000 0000 0000 0341')
    // The page's own asking is cut off: only the server's push can tell it the outcome.
    await page.route('**/api/account/vip', (route) => route.abort('internetdisconnected'))
    await page.getByRole('button', { name: 'Become VIP' }).click()
    assert.match(await page.locator('#vip-status').innerText(), /You are VIP\. We are taking your first payment/, 'granted at once')

    const reviews = await context.newPage()
    await reviews.goto(`${url}/movies/dune/reviews`)
    await reviews.locator(`[data-review-id="${reviewId}"] .review__vip`).waitFor({ timeout: 30_000 })

    await page.getByText('Your payment did not go through, so VIP is off again.').waitFor({ timeout: 60_000 })
    assert.match(await page.locator('#vip-status').innerText(), /The VIP mark on reviews you wrote meanwhile is gone with it/)

    await reviews.reload()
    await reviews.locator(`[data-review-id="${reviewId}"]`).waitFor()
    assert.equal(await reviews.locator(`[data-review-id="${reviewId}"] .review__vip`).count(), 0, 'the mark is gone, the review stays')

    const staff = await browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    const mailbox = await staff.newPage()
    await mailbox.goto(`${url}/mailbox?to=${encodeURIComponent('vic@example.com')}`)
    for (let i = 0; i < 100 && !(await mailbox.getByText('the payment did not go through').count()); i++) await mailbox.reload()
    assert.ok(await mailbox.getByText('the payment did not go through').count(), 'told by e-mail')
    await staff.close()
  })
})
