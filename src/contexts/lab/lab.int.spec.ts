import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eventually } from '../../../test/support/eventually.ts'
import { startPopcornNode, type PopcornNode } from '../../../test/support/popcorn-node.ts'
import { shapes } from '../../../test/support/shapes.ts'
import { admin, visitor } from '../../../test/support/visitor.ts'
import { labBilling } from './billing/index.ts'
import { lab } from './index.ts'
import { labProfile, labProfileWith } from './profile/index.ts'
import type { Batch } from './runs.ts'
import { labSupport } from './support/index.ts'
import { ops } from '../ops/index.ts'

const customers = 10

for (const shape of shapes) {
  describe(`the pattern lab on ${shape.name}`, () => {
    let node: PopcornNode
    const staff = () => admin(node.url)
    before(async () => {
      node = await startPopcornNode(shape, [labProfile, labSupport, labBilling, lab], { POPCORN_FAULTS: 'on' })
    })
    after(() => node?.stop())

    test('each pattern converges with billing down for a while; the time, the messages and what customers were told are measured', async () => {
      const started = await staff().call('POST', '/api/ops/lab/runs', { patterns: ['background-sync', 'orchestration', 'choreography'], customers, down: { service: 'billing', afterMs: 0, forMs: 2_000 } })
      assert.equal(started.status, 202, JSON.stringify(started.body))
      assert.equal((await staff().call('POST', '/api/ops/lab/runs', { patterns: ['choreography'], customers })).status, 409, 'one batch at a time: they would share the outage')

      const batch = await eventually(async () => {
        const { body } = await staff().call('GET', started.body.follow)
        assert.deepEqual((body as Batch).runs.map((r) => r.status), ['converged', 'converged', 'converged'], 'all three converged')
        return body as Batch
      }, { what: 'the three runs to converge', timeoutMs: 90_000, intervalMs: 500 })
      const run = (pattern: string) => batch.runs.find((r) => r.pattern === pattern)!

      for (const r of batch.runs) {
        assert.ok(r.convergedMs !== null && r.convergedMs >= 2_000, `${r.pattern}: billing had to be back before all three agreed (${r.convergedMs} ms)`)
        assert.deepEqual(r.told, { unsubscribed: customers, stillSubscribed: 0, workingOnIt: 0 }, `${r.pattern}: every customer told it is done`)
        assert.ok(r.samples.length > 0 && r.samples.at(-1)!.agreed === customers, `${r.pattern}: measured as it went`)
      }
      assert.equal(run('choreography').messages, customers * 3, 'choreography: a request and two reactions a customer, each handled once')
      assert.ok(run('orchestration').messages >= customers * 5, 'orchestration: a request, two questions and two answers a customer, and the asking again while billing was silent')
      assert.ok(run('background-sync').messages > customers, 'background sync: the requests, and the jobs asking the profile')
      assert.ok(run('choreography').firstAnswerMs.max! < run('orchestration').finalAnswerMs.max!, 'told at once, against told once billing answered')

      const page = await staff().call('GET', `/ops/lab/batches/${batch.batchId}`)
      assert.equal(page.status, 200)
      assert.equal((page.body.match(/<polyline class="lab-chart__line/g) ?? []).length, 6, 'two charts, a line per pattern')
      assert.match(page.body, /The billing service was down for 2 s, from 0 s into the run/)
    })

    test('the lab is for admins, and refuses what it cannot run', async () => {
      const stranger = visitor(node.url)
      assert.equal((await stranger.call('GET', '/ops/lab')).status, 401)
      assert.equal((await stranger.call('POST', '/api/ops/lab/runs', { patterns: ['choreography'], customers: 1 })).status, 401)
      for (const bad of [{}, { patterns: [], customers: 1 }, { patterns: ['gossip'], customers: 1 }, { patterns: ['choreography', 'choreography'], customers: 1 },
        { patterns: ['choreography'], customers: 0 }, { patterns: ['choreography'], customers: 1_001 }, { patterns: ['choreography'], customers: 1, down: { service: 'dns', afterMs: 0, forMs: 1 } }]) {
        assert.equal((await staff().call('POST', '/api/ops/lab/runs', bad)).status, 400, JSON.stringify(bad))
      }
      assert.equal((await staff().call('GET', '/api/ops/lab/batches/not-a-uuid')).status, 400)
      assert.equal((await staff().call('GET', '/api/ops/lab/batches/8d1f3a52-5b6e-4c7d-9e8f-0a1b2c3d4e5f')).status, 404)
      assert.equal((await staff().call('GET', '/ops/lab')).status, 200)
    })
  })
}

for (const shape of shapes) {
  describe(`the lab's saga giving up on ${shape.name}`, () => {
    let node: PopcornNode
    before(async () => {
      // A saga that asks twice, 300 ms apart, and gives up: billing, down for 3 s, takes the requests late.
      node = await startPopcornNode(shape, [labProfileWith({ answerWithinMs: 300, attempts: 2 }), labSupport, labBilling, lab, ops], { POPCORN_FAULTS: 'on' })
    })
    after(() => node?.stop())

    test('orchestration compensates: the customer is told they are still subscribed, and what billing ended late is restored, so all three agree', async () => {
      const few = 5
      const started = await admin(node.url).call('POST', '/api/ops/lab/runs', { patterns: ['orchestration'], customers: few, down: { service: 'billing', afterMs: 0, forMs: 3_000 } })
      assert.equal(started.status, 202, JSON.stringify(started.body))
      const batch = await eventually(async () => {
        const { body } = await admin(node.url).call('GET', started.body.follow)
        assert.equal((body as Batch).runs[0]!.status, 'converged', 'converged')
        return body as Batch
      }, { what: 'the run to converge', timeoutMs: 60_000, intervalMs: 500 })
      const run = batch.runs[0]!
      assert.deepEqual(run.told, { unsubscribed: 0, stillSubscribed: few, workingOnIt: 0 }, 'every customer told they are still subscribed')
      assert.ok(run.convergedMs! >= 3_000, `not before billing was back and its late work undone (${run.convergedMs} ms)`)
      const { rows } = await node.world.db.query<{ subscribed: number; contracts: number; subscriptions: number; restored: number }>(
        `select (select count(*) from lab_profile.customers where run_id = $1 and subscribed)::int as subscribed,
           (select count(*) from lab_support.contracts where run_id = $1 and active)::int as contracts,
           (select count(*) from lab_billing.subscriptions where run_id = $1 and active)::int as subscriptions,
           (select count(distinct h.handled_at) from lab.handled h where h.run_id = $1 and h.message_type = 'lab.RestoreSubscription')::int as restored`, [run.runId])
      assert.deepEqual({ ...rows[0], restored: undefined }, { subscribed: few, contracts: few, subscriptions: few, restored: undefined }, 'subscribed everywhere again')
      assert.ok(rows[0]!.restored > 0, 'billing ended subscriptions late, and the saga restored them')

      // The sagas that gave up stay a while for late answers: listed with their state and the timeout that ends them.
      const sagas = await admin(node.url).call('GET', '/ops/sagas?saga=lab-unsubscribe&pendingTimeouts=true')
      assert.equal(sagas.status, 200)
      assert.match(sagas.body, new RegExp(`${few} running`))
      assert.equal((sagas.body.match(/"forget" due/g) ?? []).length, few, 'each waits for the timeout that ends it')
      assert.match(sagas.body, /&quot;step&quot;: &quot;gave-up&quot;/, 'its state, as text')
      assert.equal((await admin(node.url).call('GET', '/ops/sagas?pendingTimeouts=yes')).status, 400)
    })
  })
}
