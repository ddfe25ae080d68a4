import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser } from '../../../test/support/browser.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornProcess, type PopcornProcess } from '../../../test/support/popcorn-process.ts'
import { admin } from '../../../test/support/visitor.ts'

describe('the waiting room in a browser (embedded shape)', () => {
  let popcorn: PopcornProcess
  let url: string
  let browser: Browser
  let showtimeId: string
  const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-room-'))

  before(async () => {
    popcorn = startPopcornProcess('start', { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn', POPCORN_WAITING_ROOM_TICK_MS: '250' })
    url = await popcorn.served
    browser = await launchBrowser()
    const dune = await (await fetch(`${url}/api/movies/dune`)).json() as { showtimes: { id: string; ticketType: string }[] }
    showtimeId = dune.showtimes.filter((s) => s.ticketType === 'regular').at(-1)!.id
    await eventually(async () => {
      assert.equal((await fetch(`${url}/api/showtimes/${showtimeId}/seats`)).status, 200)
      assert.equal((await fetch(`${url}/waiting-room/${showtimeId}`)).status, 200)
    }, { timeoutMs: 60_000, what: 'the showtime open for orders and known to the waiting room' })
  })
  after(async () => {
    await browser?.close()
    popcorn?.child.kill('SIGTERM')
    await popcorn?.exited
    rmSync(data, { recursive: true, force: true })
  })

  test('a person waits in the room, sees their place, is let through, orders, and sees the result', { timeout: 120_000 }, async () => {
    const boss = admin(url)
    assert.equal((await boss.set(showtimeId, { mode: 'on', ratePerSecond: 0 })).status, 200)

    const page = await browser.newPage()
    await page.goto(`${url}/movies/dune?showtime=${showtimeId}`)
    await page.selectOption('#order-tickets', '2')
    await page.fill('#order-email', 'patient@example.com')
    await page.click('#order-submit')

    await page.waitForURL(`**/waiting-room/${showtimeId}`, { timeout: 30_000 })
    await page.locator('[data-waiting-room][data-state="waiting"]').waitFor({ timeout: 30_000 })
    assert.equal(await page.locator('#room-position').innerText(), '1')
    assert.match(await page.locator('#room-message').innerText(), /You are number 1 in the queue/)
    assert.equal(await page.locator('#room-message').getAttribute('aria-live'), 'polite')
    await page.screenshot({ path: join(tmpdir(), 'popcorn-waiting-room.png'), fullPage: true })

    assert.equal((await boss.set(showtimeId, { mode: 'on', ratePerSecond: 2 })).status, 200)
    await page.waitForURL(/\/movies\/dune\?showtime=/, { timeout: 30_000 })
    const status = page.locator('#order-status[data-outcome="accepted"]')
    await status.waitFor({ timeout: 30_000 })
    assert.match(await status.innerText(), /Accepted: 2 tickets/)
    assert.equal(await page.locator('#order-email').inputValue(), 'patient@example.com', 'the order chosen before the wait')
    await page.screenshot({ path: join(tmpdir(), 'popcorn-let-through.png'), fullPage: true })
    await page.close()
  })
})
