import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { embeddedSiteAndBrowser } from '../../../test/support/browser.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('the pattern lab in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('lab')

  test('the three patterns run side by side with billing down for a while; the results are drawn and told on a phone', { timeout: 180_000 }, async () => {
    const staff = await site.browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword }, viewport: { width: 390, height: 844 } })
    const page = await staff.newPage()
    await page.goto(`${site.url}/ops/lab`)
    await page.getByRole('heading', { name: 'Pattern lab: a customer unsubscribes' }).waitFor()
    await page.selectOption('#lab-pattern', 'all')
    await page.fill('#lab-customers', '20')
    await page.selectOption('#lab-down', 'billing')
    await page.fill('#lab-after', '0')
    await page.fill('#lab-for', '3')
    await page.getByRole('button', { name: 'Run it' }).click()

    await page.getByRole('heading', { name: 'A customer unsubscribes: 20 of them' }).waitFor()
    assert.match(await page.locator('header.page-header').innerText(), /The billing service was down for 3 s, from 0 s into the run/)
    // The page follows the runs by itself until all three have converged.
    await page.locator('#batch[data-running="no"]').waitFor({ timeout: 120_000 })

    for (const chart of ['#chart-agreed', '#chart-messages']) {
      assert.deepEqual(await page.locator(`${chart} polyline`).evaluateAll((lines) => lines.map((l) => l.getAttribute('data-pattern'))),
        ['background-sync', 'orchestration', 'choreography'], `${chart}: a line per pattern`)
      assert.equal(await page.locator(`${chart} rect.lab-chart__down`).count(), 1, `${chart}: the outage shaded`)
    }
    for (const pattern of ['background-sync', 'orchestration', 'choreography']) {
      assert.match(await page.locator(`#lab-results td[data-pattern="${pattern}"][data-field="converged"]`).innerText(), /^\d+\.\d s$/, `${pattern} converged`)
      assert.equal(await page.locator(`#lab-results td[data-pattern="${pattern}"][data-field="unsubscribed"]`).innerText(), '20', `${pattern}: every customer told`)
    }
    assert.equal(await page.locator('#lab-results td[data-pattern="choreography"][data-field="messages"]').innerText(), '60', 'a request and two reactions a customer')
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits a phone')

    // The runs are listed on the lab's page, with how long each took.
    await page.goto(`${site.url}/ops/lab`)
    assert.equal(await page.locator('#lab-runs tbody tr').count(), 3)
    await staff.close()
  })
})
