import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser } from '../../../test/support/browser.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { shopper } from '../../../test/support/shoppers.ts'
import { admin, testAdminPassword } from '../../../test/support/visitor.ts'

describe('ordering in a browser (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  let browser: Browser
  const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-'))
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

  const orderOnPage = async (email: string, tickets: string) => {
    const page = await browser.newPage()
    await page.goto(`${url}/movies/dune?showtime=${duneShowtime}`)
    await page.selectOption('#order-tickets', tickets)
    await page.fill('#order-email', email)
    await page.click('#order-submit')
    return page
  }

  test('a person orders tickets and sees the confirmation pushed to the page', { timeout: 60_000 }, async () => {
    const page = await orderOnPage('ada@example.com', '2')
    const status = page.locator('#order-status[data-outcome="accepted"]')
    await status.waitFor({ timeout: 30_000 })
    assert.match(await status.innerText(), /Accepted: 2 tickets, total €25\.00/)
    await page.screenshot({ path: join(tmpdir(), 'popcorn-ordered.png'), fullPage: true })
    await page.close()
  })

  test('a pushed answer that never arrives is asked for, although the socket stays up', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    // The socket stays connected, but the first outcome pushed to this page is lost on the way.
    let lost = 0
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer()
      ws.onMessage((message) => server.send(message))
      server.onMessage((message) => {
        if (typeof message === 'string' && message.startsWith('42["order:outcome"') && lost === 0) {
          lost++
          return
        }
        ws.send(message)
      })
    })
    await page.goto(`${url}/movies/dune?showtime=${duneShowtime}`)
    await page.selectOption('#order-tickets', '1')
    await page.fill('#order-email', 'late@example.com')
    await page.click('#order-submit')
    const status = page.locator('#order-status[data-outcome="accepted"]')
    await status.waitFor({ timeout: 30_000 })
    assert.equal(lost, 1, 'the push was lost, and the page asked for the answer')
    assert.match(await status.innerText(), /Accepted: 1 ticket/)
    await page.close()
  })

  test('a person orders and closes the page before the answer: the order page shows the outcome', { timeout: 60_000 }, async () => {
    const page = await orderOnPage('grace@example.com', '3')
    const follow = page.locator('#order-status a')
    await follow.waitFor({ timeout: 30_000 })
    const orderUrl = new URL(await follow.getAttribute('href') ?? '', url).toString()
    await page.close()

    const later = await browser.newPage()
    await later.goto(orderUrl)
    const accepted = later.locator('.order-state.accepted')
    await accepted.waitFor({ timeout: 30_000 }) // pushed or polled, whichever comes first; or already there
    assert.match(await accepted.innerText(), /Accepted: 3 tickets, total €37\.50/)
    await later.close()
  })

  test('a double click orders once; the next order from the same page is another order', { timeout: 90_000 }, async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/movies/dune?showtime=${duneShowtime}`)
    await page.selectOption('#order-tickets', '2')
    await page.fill('#order-email', 'twice@example.com')
    await page.dblclick('#order-submit')
    await page.locator('#order-status[data-outcome="accepted"]').waitFor({ timeout: 30_000 })
    assert.equal(await page.locator('#order-submit').isDisabled(), false, 'the button is back once the order is answered')
    // Another order from the same page, after: once its e-mail is in, any second order of the double click would be too.
    await page.fill('#order-email', 'then@example.com')
    await page.click('#order-submit')
    const boss = admin(url)
    const ticketMails = async (to: string) =>
      ((await boss.call('GET', `/api/mailbox?to=${encodeURIComponent(to)}`)).body as { items: { subject: string }[] }).items.filter((m) => /tickets/i.test(m.subject))
    await eventually(async () => assert.equal((await ticketMails('then@example.com')).length, 1), { timeoutMs: 60_000, what: 'the later order\'s tickets e-mailed' })
    assert.equal((await ticketMails('twice@example.com')).length, 1, 'the double click ordered once')
    await page.close()
  })

  test('a person past the showing\'s per-person cap is told so, with what they hold, and nothing is charged', { timeout: 90_000 }, async () => {
    const page = await orderOnPage('cap@example.com', '8')
    await page.locator('#order-status[data-outcome="accepted"]').waitFor({ timeout: 30_000 })
    assert.equal(await page.locator('#order-tickets-hint').innerText(), 'At most 10 per person for this showing, over all your orders.')
    // The same person again, from the same browser, with an alias of the same mailbox.
    await page.selectOption('#order-tickets', '4')
    await page.fill('#order-email', 'Cap+again@example.com')
    await page.click('#order-submit')
    const status = page.locator('#order-status[data-outcome="limit-reached"]')
    await status.waitFor({ timeout: 30_000 })
    assert.match(await status.innerText(), /^This order would take you past 10 tickets per person for this showing: you have 8 tickets already\. Nothing was charged\./)
    const orderUrl = new URL(await status.locator('a').getAttribute('href') ?? '', url).toString()
    await page.goto(orderUrl)
    assert.match(await page.locator('.order-state.rejected').innerText(), /past 10 tickets per person for this showing: you have 8 already\. Nothing was charged\./)
    await page.close()
  })

  test('the mailbox shows the ticket e-mail, with a QR code per ticket (to the admin)', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ httpCredentials: { username: 'admin', password: testAdminPassword } })
    for (let attempt = 0; attempt < 60; attempt++) {
      await page.goto(`${url}/mailbox?to=grace@example.com`)
      if (await page.getByText('Your tickets for Dune').count()) break
      await page.waitForTimeout(500)
    }
    await page.getByText('Your tickets for Dune').first().click()
    const email = page.frameLocator('iframe')
    await email.locator('img').first().waitFor({ timeout: 10_000 })
    assert.match(await email.locator('body').innerText(), /Screen\s+Zaal \d+/, 'the screen, for the door')
    assert.equal(await email.locator('img[alt*="QR"], img').count() >= 3, true)
    // Drawn when shown: each picture loads from the mailbox into the sandboxed frame, 200 px square.
    const pictures = () => email.locator('img').evaluateAll((images) => images.map((i) => (i as HTMLImageElement).complete ? (i as HTMLImageElement).naturalWidth : -1))
    await eventually(async () => {
      const widths = await pictures()
      assert.ok(widths.length >= 3 && widths.every((w) => w === 200), `picture widths ${JSON.stringify(widths)} (-1: still loading)`)
    }, { timeoutMs: 10_000, intervalMs: 100, what: 'every QR picture loaded' })
    await page.screenshot({ path: join(tmpdir(), 'popcorn-mailbox.png'), fullPage: true })
    await page.close()
  })

  test('on a phone (390 px) the mailbox, an e-mail and the staff\'s pages fit the screen', { timeout: 60_000 }, async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, httpCredentials: { username: 'admin', password: testAdminPassword } })
    const page = await phone.newPage()
    const list = (await admin(url).call('GET', '/api/mailbox?to=grace%40example.com')).body as { items: { id: string }[] }
    assert.ok(list.items.length > 0, 'an e-mail to look at')
    for (const path of ['/mailbox', `/mailbox/${list.items[0]!.id}`, '/admin', '/admin/waiting-rooms', '/ops/compensations', '/movies/dune']) {
      await page.goto(`${url}${path}`)
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, `${path} is wider than the phone`)
    }
    await phone.close()
  })

  test('a person asks for more seats than a strict showing has left and is told "sold out" at once', { timeout: 120_000 }, async () => {
    const dune = await (await fetch(`${url}/api/movies/dune`)).json() as { showtimes: { id: string; ticketType: string }[] }
    const nearlyFull = dune.showtimes.filter((s) => s.ticketType === 'regular').at(-1)!.id
    const seats = async () => (await (await fetch(`${url}/api/showtimes/${nearlyFull}/seats`)).json()) as { seatsLeft: number }
    // Others buy all but 3 seats first (one browser each, as people would).
    let left = (await seats()).seatsLeft
    const orders: number[] = []
    for (; left > 12; left -= 10) orders.push(10)
    if (left > 3) orders.push(left - 3)
    const placed = await Promise.all(orders.map((tickets) => shopper().order(url, { showtimeId: nearlyFull, tickets, email: `early-${randomUUID()}@example.com` })))
    assert.ok(placed.every((p) => p.status === 202))
    await eventually(async () => assert.equal((await seats()).seatsLeft, 3), { timeoutMs: 60_000, what: 'the early orders decided' })

    const page = await browser.newPage()
    await page.goto(`${url}/movies/dune?showtime=${nearlyFull}`)
    await page.selectOption('#order-tickets', '4')
    await page.fill('#order-email', 'late@example.com')
    await page.click('#order-submit')
    const status = page.locator('#order-status[data-outcome="sold-out"]')
    await status.waitFor({ timeout: 30_000 })
    assert.equal(await status.innerText(), 'Sorry — sold out: only 3 seats left. Nothing was charged.')
    assert.equal(await status.locator('a').count(), 0, 'nothing was stored: no order page to follow')
    await page.screenshot({ path: join(tmpdir(), 'popcorn-sold-out.png'), fullPage: true })
    await page.close()
  })
})
