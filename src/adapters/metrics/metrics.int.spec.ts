import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { parseOpenMetrics, type Sample } from '../../../test/support/openmetrics.ts'
import { showtime, startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor } from '../../../test/support/visitor.ts'
import { catalog } from '../../contexts/catalog/index.ts'
import { ordering } from '../../contexts/ordering/index.ts'
import { waitingRoom } from '../../contexts/waiting-room/index.ts'

const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0)

for (const shape of shapes) {
  describe(`metrics on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      node = await startPopcornNode(shape, [catalog, ordering, waitingRoom])
      await node.schedule(showtime('metrics-show', { capacity: 5, startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }))
      await eventually(async () => assert.equal((await fetch(`${node.url}/api/showtimes/metrics-show/seats`)).status, 200, 'seats open'), { what: 'the showing opened' })
    })
    after(() => node?.stop())

    const scrape = async () => {
      const answer = await admin(node.url).call('GET', '/metrics')
      assert.equal(answer.status, 200)
      assert.match(String(answer.headers.get('content-type')), /^application\/openmetrics-text; version=1\.0\.0/)
      return parseOpenMetrics(answer.body)
    }

    test('/metrics is OpenMetrics, for admins only, and counts what a test sent: messages handled, critical time, orders decided', async () => {
      for (const who of [visitor(node.url), admin(node.url, 'wrong')]) assert.equal((await who.call('GET', '/metrics')).status, 401)
      const buyers = [1, 2, 3].map(() => visitor(node.url))
      const orders = await Promise.all(buyers.map(async (who, i) => {
        const orderId = randomUUID()
        assert.equal((await who.order({ orderId, showtimeId: 'metrics-show', tickets: 2, email: `m${i}@example.com` })).status, 202)
        return { who, orderId }
      }))
      await eventually(async () => {
        for (const { who, orderId } of orders) assert.notEqual((await who.call('GET', `/api/orders/${orderId}`)).body.status, 'received', 'decided')
      }, { what: 'the orders decided' })

      const samples = await eventually(async () => {
        const read = await scrape()
        assert.equal(value(read, 'popcorn_messages_handled_total', { queue: 'ordering', type: 'ordering.SubmitOrder' }), 3, 'every order handled by its writer, once')
        return read
      }, { what: 'the writer’s counts' })
      assert.equal(value(samples, 'popcorn_orders', { status: 'accepted' }), 2, 'two orders of two fit five seats')
      assert.equal(value(samples, 'popcorn_orders', { status: 'sold-out' }), 1)
      assert.ok(value(samples, 'popcorn_message_critical_seconds_count', { queue: 'ordering' }) >= 3, 'critical time measured for each')
      assert.ok(value(samples, 'popcorn_message_processing_seconds_count', { queue: 'ordering' }) >= 3, 'processing time too')
      assert.equal(value(samples, 'popcorn_messages_failed_total'), 0)
      assert.equal(value(samples, 'popcorn_error_queue_messages'), 0)
      assert.equal(value(samples, 'popcorn_projection_lag_seconds', { projection: 'catalog' }), 0, 'nothing waits to be projected')
      assert.equal(value(samples, 'popcorn_waiting_room_people', { state: 'waiting' }), 0)
      assert.ok(samples.some((s) => s.name === 'popcorn_socket_connections'), 'the web node’s sockets')
      assert.ok(samples.some((s) => s.name === 'popcorn_process_resident_memory_bytes'), 'and the process’s own')
    })
  })
}
