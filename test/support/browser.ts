import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium, headless, with nothing reaching out to the network this machine does not have. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.POPCORN_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
