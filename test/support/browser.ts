import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startPopcornProcess, type PopcornProcess } from './popcorn-process.ts'
import { testAdminPassword } from './visitor.ts'

/** Debian's Chromium, headless, with nothing reaching out to the network this machine does not have. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.POPCORN_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })

/**
 * The link in the newest e-mail with this subject to this address, read as staff read the dev mailbox (the e-mail
 * goes out through the outbox a moment after the page answered: the mailbox is reloaded until it is there).
 */
export const linkFromMailbox = async (browser: Browser, url: string, adminPassword: string, to: string, subject = 'Confirm your e-mail') => {
  const staff = await browser.newContext({ httpCredentials: { username: 'admin', password: adminPassword } })
  const page = await staff.newPage()
  try {
    await page.goto(`${url}/mailbox?to=${encodeURIComponent(to)}`)
    for (let i = 0; i < 100 && !(await page.locator('table.mailbox a', { hasText: subject }).count()); i++) await page.reload()
    await page.locator('table.mailbox a', { hasText: subject }).first().click()
    const text = await page.locator('pre.email-text').innerText()
    const link = /https?:\/\/\S+\/account\/(?:verify|reset)\/[\w-]{43}/.exec(text)?.[0]
    if (!link) throw new Error(`no link in the e-mail to ${to}: ${text}`)
    return link
  } finally {
    await staff.close()
  }
}

/** A new member in this page: registers, confirms from the dev mailbox (as staff read it), logs in, lands on My orders. */
export const logInAsNew = async (browser: Browser, url: string, page: Page, email: string, password = 'popcorn-2026!') => {
  await page.goto(`${url}/account/register`)
  await page.fill('#account-email', email)
  await page.fill('#account-password', password)
  await page.getByRole('button', { name: 'Create my account' }).click()
  await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor()
  await page.goto(await linkFromMailbox(browser, url, testAdminPassword, email))
  await page.getByRole('button', { name: 'Confirm my address' }).click()
  await page.goto(`${url}/account/login`)
  await page.fill('#account-email', email)
  await page.fill('#account-password', password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'My orders' }).waitFor()
}

/**
 * For a describe block: `npm start` in a process of its own on a fresh data folder, and Chromium, both started before
 * its tests and stopped after. Read `url` and `browser` inside the tests.
 */
export const embeddedSiteAndBrowser = (name: string, env: Record<string, string> = {}) => {
  const data = mkdtempSync(join(tmpdir(), `popcorn-e2e-${name}-`))
  let popcorn: PopcornProcess | undefined
  const site = { url: '', browser: undefined as unknown as Browser }
  before(async () => {
    popcorn = startPopcornProcess('start', { PORT: '0', POPCORN_DATABASE_URL: data, POPCORN_LOG_LEVEL: 'warn', ...env })
    site.url = await popcorn.served
    site.browser = await launchBrowser()
  })
  after(async () => {
    await site.browser?.close()
    popcorn?.child.kill('SIGTERM')
    await popcorn?.exited
    rmSync(data, { recursive: true, force: true })
  })
  return site
}
