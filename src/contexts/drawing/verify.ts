import { verifyDrawing, type Fetch } from './verification.ts'

/**
 * `npm run drawing:verify -- <base-url> <showtimeId>`: re-runs a drawing from what the site publishes.
 * Exits 0 when it checks out, 1 when it does not (or is not drawn yet), 2 when it could not be checked.
 */

const usage = 'usage: npm run drawing:verify -- <base-url> <showtime id>   e.g. npm run drawing:verify -- http://127.0.0.1:3000 got-finale-breda-1'

const main = async () => {
  const [baseUrl, showtimeId] = process.argv.slice(2)
  if (!baseUrl || !showtimeId || !/^https?:\/\/[^/]+/.test(baseUrl)) {
    console.error(usage)
    return 2
  }
  const get: Fetch = async (path) => {
    const response = await fetch(new URL(path, baseUrl), { headers: { accept: 'application/json' } })
    return { status: response.status, body: await response.json().catch(() => undefined) }
  }
  const verification = await verifyDrawing(get, showtimeId)
  for (const line of verification.lines) console.log(line)
  if (verification.drawn) console.log(verification.ok ? 'The drawing checks out.' : 'The drawing does NOT check out.')
  return verification.ok ? 0 : 1
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
})
