import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { alertChanges, alertsOf, defaultThresholds, type Alert, type Readings, type Thresholds } from './alerts.rules.ts'

const calm: Readings = {
  failedMessages: 0,
  projections: [{ projection: 'accounts', pending: 0, lagSeconds: 0 }],
  endpoints: [{ name: 'ordering', instances: [{ instanceId: 'a', status: 'up' }], criticalMs: { p99: 40 } }],
}
const thresholds: Thresholds = { maxFailedMessages: 0, maxProjectionLagSeconds: 30, maxCriticalP99Ms: 10_000 }

/** given readings (calm but for these), when checked under thresholds, then these alerts, by rule and subject. */
const given = (readings: Partial<Readings>) => ({
  under: (limits: Partial<Thresholds> = {}) => ({
    then: (expected: [string, string][]) =>
      assert.deepEqual(alertsOf({ ...calm, ...readings }, { ...thresholds, ...limits }).map((a) => [a.rule, a.subject]), expected),
  }),
})
const alert = (rule: Alert['rule'], subject: string): Alert => ({ rule, subject, summary: `${rule} ${subject}` })

describe('ops’ alerts', () => {
  test('calm readings call for no alert, under the default thresholds too', () => {
    given({}).under().then([])
    assert.deepEqual(alertsOf(calm, defaultThresholds), [])
  })

  test('failed messages past the threshold alert once, for the error queue', () => {
    given({ failedMessages: 1 }).under().then([['failed-messages', 'error-queue']])
    given({ failedMessages: 5 }).under({ maxFailedMessages: 5 }).then([])
    given({ failedMessages: 6 }).under({ maxFailedMessages: 5 }).then([['failed-messages', 'error-queue']])
  })

  test('a shared view behind by more than its threshold alerts; one up to date does not, whatever its last age', () => {
    given({ projections: [{ projection: 'catalog', pending: 3, lagSeconds: 31 }, { projection: 'reviews', pending: 1, lagSeconds: 29 }] }).under().then([['projection-lag', 'catalog']])
    given({ projections: [{ projection: 'catalog', pending: 0, lagSeconds: 99 }] }).under().then([])
  })

  test('an instance that stopped beating without saying so alerts for its endpoint; one that said it stops does not', () => {
    given({ endpoints: [{ name: 'billing', instances: [{ instanceId: 'a', status: 'up' }, { instanceId: 'b', status: 'down' }], criticalMs: { p99: null } }] }).under().then([['endpoint-down', 'billing']])
    given({ endpoints: [{ name: 'billing', instances: [{ instanceId: 'a', status: 'stopped' }], criticalMs: { p99: null } }] }).under().then([])
  })

  test('critical time past the threshold alerts for its endpoint; an endpoint that handled nothing has none', () => {
    given({ endpoints: [{ name: 'ordering', instances: [{ instanceId: 'a', status: 'up' }], criticalMs: { p99: 12_000 } }] }).under().then([['critical-time', 'ordering']])
    given({ endpoints: [{ name: 'ordering', instances: [{ instanceId: 'a', status: 'up' }], criticalMs: { p99: 12_000 } }] }).under({ maxCriticalP99Ms: 20_000 }).then([])
  })

  test('what changes: an alert newly called for is raised, one no longer called for is cleared, one still called for stays as it is', () => {
    const open = [{ ...alert('failed-messages', 'error-queue'), id: '1' }, { ...alert('endpoint-down', 'billing'), id: '2' }]
    const now = [{ ...alert('failed-messages', 'error-queue'), summary: 'more failed now' }, alert('projection-lag', 'catalog')]
    const { raise, clear } = alertChanges(open, now)
    assert.deepEqual(raise.map((a) => [a.rule, a.subject]), [['projection-lag', 'catalog']])
    assert.deepEqual(clear.map((a) => a.id), ['2'])
    assert.deepEqual(alertChanges(open, open), { raise: [], clear: [] })
  })
})
