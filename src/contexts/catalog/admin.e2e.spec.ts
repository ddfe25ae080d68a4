import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { embeddedSiteAndBrowser, logInAsNew as newMember } from '../../../test/support/browser.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('the admins’ catalog in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('admin')

  const logInAsNew = (page: Page, email: string) => newMember(site.browser, site.url, page, email)

  test('made an admin, a person adds a movie and sees it at once; an anonymous visitor sees it only once the lag is gone', { timeout: 180_000 }, async () => {
    const admins = await site.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await admins.newPage()
    await logInAsNew(page, 'ida@example.com')
    assert.equal((await page.goto(`${site.url}/admin/catalog`))?.status(), 403, 'not an admin yet')

    // Whoever has the admin password makes her an admin, from the staff's accounts page.
    const staff = await site.browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    const staffPage = await staff.newPage()
    await staffPage.goto(`${site.url}/admin/accounts`)
    const row = staffPage.locator('tr', { hasText: 'ida@example.com' })
    for (let i = 0; i < 100 && !(await row.count()); i++) await staffPage.reload()
    await row.getByRole('button', { name: 'Make admin' }).click()
    await staffPage.locator('tr', { hasText: 'ida@example.com' }).getByRole('button', { name: 'Take back' }).waitFor()
    await staff.close()

    // The shared catalog held back on purpose, so that the difference shows.
    await page.goto(`${site.url}/admin/catalog`)
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

    const anonymous = await (await site.browser.newContext()).newPage()
    await anonymous.goto(`${site.url}/movies`)
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

    await anonymous.goto(`${site.url}/movies`)
    for (let i = 0; i < 100 && !(await anonymous.getByRole('link', { name: /Perfect Days/ }).count()); i++) await anonymous.reload()
    await anonymous.getByRole('link', { name: /Perfect Days/ }).first().click()
    for (let i = 0; i < 100 && !(await anonymous.getByText('21:15').count()); i++) await anonymous.reload()
    assert.ok(await anonymous.getByText('21:15').count(), 'the showing is on the public page')
  })
})
