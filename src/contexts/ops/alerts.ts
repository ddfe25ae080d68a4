import { randomUUID } from 'node:crypto'
import type { MessageSession } from '../../messaging/session.ts'
import type { Database, Sql } from '../../messaging/sql.ts'
import type { OpsSources } from '../index.ts'
import { SendAlertEmail } from '../notifications/messages.ts'
import { alertChanges, alertsOf, defaultThresholds, thresholdSpecs, type Alert, type AlertRule, type ThresholdName, type Thresholds } from './alerts.rules.ts'
import { projectionsOf } from './lag.ts'
import { endpointsOverview } from './endpoints.ts'

export interface RaisedAlert extends Alert {
  readonly id: string
  readonly raisedAt: string
  readonly clearedAt: string | null
}

const columns = `id, rule, subject, summary, raised_at as "raisedAt", cleared_at as "clearedAt"`
const iso = (alert: RaisedAlert): RaisedAlert => ({
  ...alert, raisedAt: new Date(alert.raisedAt).toISOString(), clearedAt: alert.clearedAt && new Date(alert.clearedAt).toISOString(),
})

/** The alerts open now, the oldest first. */
export const openAlerts = async (sql: Sql): Promise<RaisedAlert[]> =>
  (await sql.query<RaisedAlert>(`select ${columns} from ops.alerts where cleared_at is null order by raised_at, id`)).rows.map(iso)

/** The last alerts cleared, the latest first: what happened while nobody was looking. */
export const clearedAlerts = async (sql: Sql, limit = 10): Promise<RaisedAlert[]> =>
  (await sql.query<RaisedAlert>(`select ${columns} from ops.alerts where cleared_at is not null order by cleared_at desc, id limit $1`, [limit])).rows.map(iso)

export const readThresholds = async (sql: Sql): Promise<Thresholds> => {
  const { rows } = await sql.query<{ name: string; value: number }>('select name, value from ops.alert_thresholds')
  const set = new Map(rows.map((r) => [r.name, r.value]))
  return Object.fromEntries(Object.keys(thresholdSpecs).map((name) => [name, set.get(name) ?? defaultThresholds[name as ThresholdName]])) as Thresholds
}

export const setThresholds = async (db: Database, changes: Partial<Thresholds>, at: Date) => {
  for (const [name, value] of Object.entries(changes)) {
    const spec = thresholdSpecs[name as ThresholdName]
    if (!spec || !Number.isInteger(value) || value < 0 || value > spec.max) throw new RangeError(`${name} is a whole number from 0 to ${spec?.max}`)
    await db.query(`insert into ops.alert_thresholds (name, value, changed_at) values ($1, $2, $3)
      on conflict (name) do update set value = excluded.value, changed_at = excluded.changed_at`, [name, value, at])
  }
}

export interface AlertDeps {
  readonly db: Database
  /** Sends the e-mails, in the transaction that raises or clears. */
  readonly session: MessageSession
  readonly sources: OpsSources
  /** Who is e-mailed (POPCORN_OPS_EMAIL), and the console's address for the e-mail's link. */
  readonly to: string
  readonly consoleUrl: string
}

/**
 * Checks every threshold now: raises each alert newly called for and clears each no longer called for, and e-mails
 * both. Processes checking at the same moment raise and clear each alert once: the open alert's row is unique per
 * rule and subject, and only the process whose row went in (or whose clearing did) sends the e-mail, in the same
 * transaction.
 */
export const checkAlerts = async (deps: AlertDeps, now: Date): Promise<{ raised: AlertRule[]; cleared: AlertRule[] }> => {
  const [endpoints, failed, readings, thresholds] = await Promise.all([
    endpointsOverview(deps.db, deps.sources.depths, now),
    deps.sources.errors.list({ limit: 1, offset: 0 }),
    deps.sources.readings(),
    readThresholds(deps.db),
  ])
  const wanted = alertsOf({ failedMessages: failed.total, projections: projectionsOf(readings), endpoints }, thresholds)
  return deps.session.transaction(async (tx, out) => {
    const { raise, clear } = alertChanges(await openAlerts(tx), wanted)
    const raised: AlertRule[] = []
    const cleared: AlertRule[] = []
    for (const alert of raise) {
      const id = randomUUID()
      const { rowCount } = await tx.query(
        `insert into ops.alerts (id, rule, subject, summary, raised_at) values ($1, $2, $3, $4, $5)
         on conflict (rule, subject) where cleared_at is null do nothing`, [id, alert.rule, alert.subject, alert.summary, now])
      if (!rowCount) continue
      raised.push(alert.rule)
      out.send(SendAlertEmail, { alertId: id, state: 'raised', to: deps.to, summary: alert.summary, raisedAt: now.toISOString(), consoleUrl: deps.consoleUrl })
    }
    for (const alert of clear) {
      const { rowCount } = await tx.query('update ops.alerts set cleared_at = $2 where id = $1 and cleared_at is null', [alert.id, now])
      if (!rowCount) continue
      cleared.push(alert.rule)
      out.send(SendAlertEmail, { alertId: alert.id, state: 'cleared', to: deps.to, summary: alert.summary, raisedAt: alert.raisedAt, consoleUrl: deps.consoleUrl })
    }
    return { raised, cleared }
  })
}

/** Checks the alerts every `everyMs` until stopped; a check that fails (the database restarting) waits for the next. */
export const watchAlerts = (deps: AlertDeps, everyMs: number, onError: (error: unknown) => void) => {
  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    // A check that outlasts the interval (a busy database) is not piled upon.
    running ??= checkAlerts(deps, new Date()).catch(onError).finally(() => { running = undefined })
  }, everyMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
