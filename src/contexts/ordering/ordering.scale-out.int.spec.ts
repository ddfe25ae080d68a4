import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startCluster } from '../../../test/support/cluster.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { shopper } from '../../../test/support/shoppers.ts'

const showtimeId = 'dune-breda-1'

for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`the scale-out shape: two web and two worker processes on ${shape.name}`, () => {
    test('every outcome reaches the sockets of the browser that asked, on either web node; no seat is sold twice', { timeout: 300_000 }, async () => {
      const cluster = await startCluster(shape, { web: 2, worker: 2 })
      const shoppers: ReturnType<typeof shopper>[] = []
      try {
        const { capacity } = await cluster.seatsOf(showtimeId)
        // Each browser a person, ordering within the showing's per-buyer cap: enough of them to sell it out and more.
        const perBrowser = 8
        shoppers.push(...Array.from({ length: Math.ceil((capacity + 100) / perBrowser) }, () => shopper()))
        // Each browser holds a socket on each web node and orders through the first; the answer comes back
        // to the node that sent the order, and through the socket adapter to the other node's socket too.
        const browsers = await Promise.all(shoppers.map(async (s, i) => ({
          asking: await s.connect(cluster.urls[i % 2]!),
          other: await s.connect(cluster.urls[(i + 1) % 2]!),
        })))
        const placed = await Promise.all(browsers.map(({ asking }, i) =>
          Promise.all(Array.from({ length: perBrowser }, () => asking.submit({ showtimeId, tickets: 1, email: `fan-${i}@example.com` })))))
        assert.ok(placed.flat().every((p) => p.ok), JSON.stringify(placed.flat().find((p) => !p.ok)))
        // Orders arriving once a node's view shows the showing sold out are answered so at once: nothing to push.
        const atOnce = placed.map((answers) => answers.filter((a) => a.status === 'sold-out' && !a.statusUrl).length)

        await eventually(() => {
          browsers.forEach(({ asking, other }, i) => {
            assert.equal(asking.outcomes.size, perBrowser - atOnce[i]!)
            assert.equal(other.outcomes.size, perBrowser - atOnce[i]!)
          })
        }, { timeoutMs: 240_000, intervalMs: 250, what: 'every outcome pushed to both sockets of its browser' })

        const outcomes = browsers.flatMap(({ asking }) => [...asking.outcomes.values()])
        assert.ok(outcomes.every((o) => o.count === 1), 'each outcome pushed once per socket')
        assert.equal(outcomes.filter((o) => o.outcome === 'accepted').length, capacity, 'sold out exactly')
        const soldOutAtOnce = atOnce.reduce((sum, n) => sum + n, 0)
        assert.equal(outcomes.filter((o) => o.outcome === 'sold-out').length + soldOutAtOnce, perBrowser * browsers.length - capacity)
        assert.deepEqual(await cluster.seatsOf(showtimeId), { showtimeId, capacity, seatsLeft: 0 })
      } finally {
        shoppers.forEach((s) => s.close())
        await cluster.stop()
      }
    })
  })
}
