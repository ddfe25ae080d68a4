import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, linkFromMailbox } from '../../../test/support/browser.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('the admins’ catalog in a browser (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  let browser: Browser
  const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-admin-'))

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

  test('made an admin, a person adds a movie and sees it at once; an anonymous visitor sees it only once the lag is gone', { timeout: 180_000 }, async () => {
    const admins = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await admins.newPage()
    await logInAsNew(page, 'ida@example.com')
    assert.equal((await page.goto(`${url}/admin/catalog`))?.status(), 403, 'not an admin yet')

    // Whoever has the admin password makes her an admin, from the staff's accounts page.
    const staff = await browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    const staffPage = await staff.newPage()
    await staffPage.goto(`${url}/admin/accounts`)
    const row = staffPage.locator('tr', { hasText: 'ida@example.com' })
    for (let i = 0; i < 100 && !(await row.count()); i++) await staffPage.reload()
    await row.getByRole('button', { name: 'Make admin' }).click()
    await staffPage.locator('tr', { hasText: 'ida@example.com' }).getByRole('button', { name: 'Take back' }).waitFor()
    await staff.close()

    // The shared catalog held back on purpose, so that the difference shows.
    await page.goto(`${url}/admin/catalog`)
    await page.fill('#projection-delay', '6000')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('heading', { name: 'Catalog' }).waitFor()

    await page.fill('#movie-title-input', 'Perfect Days')
    await page.fill('#movie-year', '2023')
    await page.fill('#movie-runtime', '124')
    await page.selectOption('#movie-rating', 'AL')
    await page.fill('#movie-synopsis', 'A toilet cleaner in Tokyo, his tapes, his books, his trees.')
    await page.getByRole('button', { name: 'Add the movie' }).click()
    assert.match(await page.locator('#catalog-notice').innerText(), /Perfect Days” is added/)
    const mine = page.locator('#catalog-movies tr', { hasText: 'Perfect Days' })
    assert.match(await mine.innerText(), /only you see this yet/, 'the writer sees it at once')
    assert.match(await page.locator('#catalog-lag').innerText(), /1 change not on the public pages yet/)

    const anonymous = await (await browser.newContext()).newPage()
    await anonymous.goto(`${url}/movies`)
    assert.equal(await anonymous.getByText('Perfect Days').count(), 0, 'everyone else sees the catalog as it was')

    // The page follows the lag as it shrinks: the mark goes once the public pages have it.
    await mine.locator('[data-pending]').waitFor({ state: 'detached', timeout: 60_000 })
    await page.getByText('Up to date: the public pages show every change.').waitFor()
    await anonymous.reload()
    await anonymous.getByRole('link', { name: /Perfect Days/ }).first().waitFor()

    // Back to no delay; a showing scheduled from the form is on the movie's public page.
    await page.fill('#projection-delay', '0')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('heading', { name: 'Catalog' }).waitFor()
    await page.selectOption('#showing-movie', { label: 'Perfect Days' })
    await page.selectOption('#showing-theater', { label: 'Breda' })
    await page.fill('#showing-screen', 'Zaal 2')
    const day = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10)
    await page.fill('#showing-starts', `${day}T21:15`)
    await page.fill('#showing-capacity', '90')
    await page.fill('#showing-price', '10.50')
    await page.getByRole('button', { name: 'Schedule it' }).click()
    assert.match(await page.locator('#catalog-notice').innerText(), /The showing is scheduled/)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className}#${e.id}`))
    assert.ok(overflow <= 0, `the page fits a phone (${overflow}px too wide: ${wide.join(', ')})`)

    await anonymous.goto(`${url}/movies`)
    for (let i = 0; i < 100 && !(await anonymous.getByRole('link', { name: /Perfect Days/ }).count()); i++) await anonymous.reload()
    await anonymous.getByRole('link', { name: /Perfect Days/ }).first().click()
    for (let i = 0; i < 100 && !(await anonymous.getByText('21:15').count()); i++) await anonymous.reload()
    assert.ok(await anonymous.getByText('21:15').count(), 'the showing is on the public page')
  })
})
