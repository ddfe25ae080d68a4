import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startCluster } from '../../../test/support/cluster.ts'
import { eventually } from '../../../test/support/eventually.ts'
import { parseOpenMetrics } from '../../../test/support/openmetrics.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { testAdminPassword, visitor } from '../../../test/support/visitor.ts'

const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` })

// A worker serves no pages: its own counters are scraped on a port of their own. Workers run on PostgreSQL only.
for (const shape of shapes.filter((s) => s.name.startsWith('postgres'))) {
  describe(`a worker's metrics port on ${shape.name}`, () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>
    before(async () => {
      cluster = await startCluster(shape, { web: 1, worker: 1 }, { POPCORN_METRICS_PORT: '0' })
    })
    after(() => cluster?.stop())

    test('the worker counts the orders its writer handled, served as OpenMetrics to admins only', async () => {
      const worker = cluster.workers[0]!
      const metricsUrl = /serves its metrics at (http:\/\/\S+)/.exec(worker.output())?.[1]
      assert.ok(metricsUrl, `the worker says where its metrics are:\n${worker.output()}`)
      const url = cluster.urls[0]!
      const dune = await (await fetch(`${url}/api/movies/dune`)).json() as { showtimes: { id: string; ticketType: string }[] }
      const showtimeId = dune.showtimes.find((s) => s.ticketType === 'regular')!.id
      await cluster.seatsOf(showtimeId)
      const buyer = visitor(url)
      assert.equal((await buyer.order({ showtimeId, tickets: 1, email: 'metrics-port@example.com' })).status, 202)

      assert.equal((await fetch(metricsUrl)).status, 401, 'no password, no metrics')
      assert.equal((await fetch(metricsUrl, { headers: basic('not-the-password') })).status, 401)
      await eventually(async () => {
        const answer = await fetch(metricsUrl, { headers: basic(testAdminPassword) })
        assert.equal(answer.status, 200)
        assert.match(String(answer.headers.get('content-type')), /^application\/openmetrics-text/)
        const samples = parseOpenMetrics(await answer.text())
        const handled = samples.filter((s) => s.name === 'popcorn_messages_handled_total' && s.labels.type === 'ordering.SubmitOrder').reduce((sum, s) => sum + s.value, 0)
        assert.equal(handled, 1, 'the worker’s own count of the order its writer decided')
      }, { what: 'the worker’s count', timeoutMs: 30_000 })
    })
  })
}
