import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { embeddedSiteAndBrowser } from '../../../test/support/browser.ts'
import { testAdminPassword } from '../../../test/support/visitor.ts'

describe('the ops console in a browser (embedded shape)', () => {
  const site = embeddedSiteAndBrowser('console')

  test('staff watch the console live, pause notifications while a person orders, heal it, and follow the order’s conversation', { timeout: 180_000 }, async () => {
    const staff = await site.browser.newContext({ httpCredentials: { username: 'admin', password: testAdminPassword }, viewport: { width: 390, height: 844 } })
    const ops = await staff.newPage()
    await ops.goto(`${site.url}/ops`)
    await ops.locator('#console-live[data-state="live"]').waitFor({ timeout: 30_000 })
    await ops.locator('tr[data-endpoint="notifications"] .instance--up').waitFor()

    // A fault switched on from the console: notifications paused.
    await ops.getByText('Switch a fault on').click()
    await ops.selectOption('#fault-endpoint', 'notifications')
    await ops.check('#fault-paused')
    await ops.getByRole('button', { name: 'Switch it on' }).click()
    assert.match(await ops.locator('#console-notice').innerText(), /The fault is on/)
    await ops.locator('#faults-on li[data-fault-endpoint="notifications"]', { hasText: 'paused' }).waitFor()
    await ops.locator('tr[data-endpoint="notifications"] .instance--paused').waitFor({ timeout: 30_000 })

    // A person orders meanwhile: accepted at once; the tickets' e-mail waits in notifications' queue, seen live.
    const dune = await (await fetch(`${site.url}/api/movies/dune`)).json() as { showtimes: { id: string; ticketType: string }[] }
    const buyer = await site.browser.newPage()
    await buyer.goto(`${site.url}/movies/dune?showtime=${dune.showtimes.find((s) => s.ticketType === 'regular')!.id}`)
    await buyer.selectOption('#order-tickets', '2')
    await buyer.fill('#order-email', 'console-watcher@example.com')
    await buyer.click('#order-submit')
    await buyer.locator('#order-status[data-outcome="accepted"]').waitFor({ timeout: 30_000 })
    const orderId = (await buyer.locator('#order-status a[href^="/orders/"]').getAttribute('href'))!.split('/').at(-1)!
    await ops.locator('tr[data-endpoint="notifications"] [data-field="depth"]', { hasText: /^[1-9]/ }).waitFor({ timeout: 30_000 })

    // Healed with a click: the waiting message is taken, nothing lost.
    await ops.locator('#faults-on').getByRole('button', { name: 'Heal notifications' }).click()
    await ops.locator('#failures-status', { hasText: 'Healed notifications' }).waitFor()
    await ops.locator('#faults-on li').first().waitFor({ state: 'detached', timeout: 30_000 })
    await ops.locator('tr[data-endpoint="notifications"] [data-field="depth"]', { hasText: /^0$/ }).waitFor({ timeout: 30_000 })

    // The order's conversation, looked up from the console: the order, its decision, the e-mail sent once healed.
    await ops.fill('#conversation-id-input', orderId)
    await ops.getByRole('button', { name: 'Show it' }).click()
    await ops.getByRole('heading', { name: 'A conversation' }).waitFor()
    assert.equal(await ops.locator('#conversation-id').innerText(), orderId)
    const flow = ops.locator('#flow')
    await flow.locator('li[data-type="ordering.SubmitOrder"][data-status="handled"]').waitFor()
    for (let i = 0; i < 60 && !(await flow.locator('li[data-type="ordering.OrderAccepted"][data-status="handled"]').count()); i++) await ops.reload()
    const types = await flow.locator('li').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-type')))
    assert.equal(types[0], 'ordering.SubmitOrder', 'the order comes first: it caused the rest')
    assert.ok(types.includes('ordering.OrderAccepted'), `the decision, handled by notifications once healed: ${types.join(', ')}`)
    assert.ok(await ops.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits a phone')
    await staff.close()
  })
})
