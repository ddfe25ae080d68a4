import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, linkFromMailbox } from '../../../test/support/browser.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('an account in a browser (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  let browser: Browser
  const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-accounts-'))
  let duneShowtime: string

  before(async () => {
    popcorn = startPopcornProcess('start', { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn' })
    url = await popcorn.served
    browser = await launchBrowser()
    const dune = await (await fetch(`${url}/api/movies/dune`)).json() as { showtimes: { id: string; ticketType: string }[] }
    duneShowtime = dune.showtimes.find((s) => s.ticketType === 'regular')!.id
  })
  after(async () => {
    await browser?.close()
    popcorn?.child.kill('SIGTERM')
    await popcorn?.exited
    rmSync(data, { recursive: true, force: true })
  })

  test('register, confirm from the mailbox, log in, order, and see it under My orders', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await page.goto(url)
    await page.getByRole('link', { name: 'Log in' }).click()
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.fill('#account-email', 'ada@example.com')
    await page.fill('#account-password', 'popcorn-2026!')
    await page.getByRole('button', { name: 'Create my account' }).click()
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor()

    await page.goto(await linkFromMailbox(browser, url, testAdminPassword, 'ada@example.com'))
    await page.getByRole('button', { name: 'Confirm my address' }).click()
    await page.getByRole('heading', { name: 'Your address is confirmed' }).waitFor()
    await page.getByRole('link', { name: 'Log in' }).last().click()
    await page.fill('#account-email', 'ada@example.com')
    await page.fill('#account-password', 'popcorn-2026!')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: 'My orders' }).waitFor()
    assert.match(await page.locator('#my-orders-empty').innerText(), /No orders yet/)

    await page.goto(`${url}/movies/dune?showtime=${duneShowtime}`)
    await page.selectOption('#order-tickets', '2')
    await page.fill('#order-email', 'ada@example.com')
    await page.click('#order-submit')
    await page.locator('#order-status[data-outcome="accepted"]').waitFor({ timeout: 30_000 })

    await page.getByRole('link', { name: 'My orders' }).click()
    const order = page.locator('#my-orders li').first()
    await order.locator('[data-status="accepted"]').waitFor({ timeout: 30_000 })
    assert.match(await order.innerText(), /Dune at .+ · 2 tickets · Confirmed/)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `My orders fits a phone (${width} px wide)`)

    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('link', { name: 'Log in' }).waitFor()
    await page.goto(`${url}/my-orders`)
    assert.equal(await page.locator('#my-orders li').count(), 0, 'logged out, the account\'s orders are not shown in this browser')
    await context.close()
  })
})
