import { chromium, type Browser } from 'playwright-core'

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
