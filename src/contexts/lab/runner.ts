import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { MessageSession } from '../../messaging/session.ts'
import type { Database } from '../../messaging/sql.ts'
import { ReconcileContracts, ReconcileSubscriptions, Unsubscribe, type LabService, type Pattern } from './messages.ts'

export interface RunRequest {
  /** The patterns to run side by side, each on customers of its own. */
  readonly patterns: readonly Pattern[]
  readonly customers: number
  /** A service down for a while: from `afterMs` into the run, for `forMs`. */
  readonly down: { readonly service: LabService; readonly afterMs: number; readonly forMs: number } | null
}

/** Takes a lab service down (it stops taking its messages; they wait in its queue) and brings it back. */
export interface Outage {
  down(service: LabService): Promise<void>
  up(service: LabService): Promise<void>
}

export interface LabDeps {
  readonly db: Database
  readonly session: MessageSession
  readonly outage: Outage
  readonly logger: Logger
  readonly clock?: () => Date
  /** How often the run is measured. */
  readonly sampleEveryMs?: number
  /** Background sync: how often support's and billing's jobs run (the runner plays their scheduler). */
  readonly syncEveryMs?: number
  /** A run that has not converged by then is given up on. */
  readonly giveUpAfterMs?: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
/** How long agreement must last to count as converged (its start is the convergence time). */
const stableForMs = 1_000

export interface Sample {
  readonly atMs: number
  /** Customers whose request the profile took. */
  readonly requested: number
  readonly unsubscribed: number
  readonly contractsEnded: number
  readonly subscriptionsEnded: number
  /** Customers whose request was taken and on whom all three services agree. */
  readonly agreed: number
  /** Customers told how it ended (unsubscribed, or still subscribed), not only that it is being worked on. */
  readonly told: number
  /** Messages the lab's services handled for the run so far. */
  readonly messages: number
}

/**
 * Where the runs stand, measured in one statement (one snapshot) across the three services' tables — the lab's
 * vantage point, not theirs — and stamped with the time it answered: what it saw was so by then.
 */
export const measure = async (db: Database, runIds: readonly string[], startedMs: number, clock: () => Date): Promise<Map<string, Sample>> => {
  const { rows } = await db.query<Omit<Sample, 'atMs'> & { runId: string }>(
    `select p.run_id as "runId", count(*) filter (where p.requested_at is not null)::int as requested,
       count(*) filter (where not p.subscribed)::int as unsubscribed,
       count(*) filter (where not c.active)::int as "contractsEnded",
       count(*) filter (where not s.active)::int as "subscriptionsEnded",
       count(*) filter (where p.requested_at is not null and p.subscribed = c.active and c.active = s.active)::int as agreed,
       count(*) filter (where p.told in ('unsubscribed', 'still-subscribed'))::int as told,
       (select count(*) from lab.handled h where h.run_id = p.run_id)::int as messages
     from lab_profile.customers p
     join lab_support.contracts c on c.run_id = p.run_id and c.customer = p.customer
     join lab_billing.subscriptions s on s.run_id = p.run_id and s.customer = p.customer
     where p.run_id = any($1::uuid[]) group by p.run_id`, [runIds])
  const atMs = clock().getTime() - startedMs
  return new Map(rows.map(({ runId, ...sample }) => [runId, { atMs, ...sample }]))
}

/**
 * Runs one scenario with each pattern asked for, side by side: for each, `customers` customers subscribed in all three
 * services, each then asking to unsubscribe (all at once), with a service down for a while if asked (the same outage
 * for all of them). Each run is measured every quarter second until every customer is agreed on by all three services
 * and told how it ended — its convergence time — or given up on. Returns once the runs are started; `finished`
 * settles when every one converged or was given up on.
 */
export const startRuns = async (deps: LabDeps, request: RunRequest): Promise<{ batchId: string; runIds: string[]; finished: Promise<void> }> => {
  const clock = deps.clock ?? (() => new Date())
  const batchId = randomUUID()
  const runs = request.patterns.map((pattern) => ({ runId: randomUUID(), pattern }))
  const customers = Array.from({ length: request.customers }, (_, i) => i + 1)
  const down = request.down
  // A service down from the start is down before the run's clock starts: pausing reaches every process within a second.
  if (down && down.afterMs === 0) await deps.outage.down(down.service)
  const startedAt = clock()
  await deps.db.transaction(async (tx) => {
    for (const { runId, pattern } of runs) {
      await tx.query(`insert into lab.runs (id, batch_id, pattern, customers, down_service, down_after_ms, down_for_ms, started_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [runId, batchId, pattern, request.customers, request.down?.service ?? null, request.down?.afterMs ?? 0, request.down?.forMs ?? 0, startedAt])
      // Every customer subscribed everywhere: each service's own row, as if each had been told at sign-up.
      await tx.query('insert into lab_profile.customers (run_id, customer, subscribed) select $1, c, true from unnest($2::int[]) as c', [runId, customers])
      await tx.query('insert into lab_support.contracts (run_id, customer, active) select $1, c, true from unnest($2::int[]) as c', [runId, customers])
      await tx.query('insert into lab_billing.subscriptions (run_id, customer, active) select $1, c, true from unnest($2::int[]) as c', [runId, customers])
    }
  })
  for (const { runId, pattern } of runs) {
    // One conversation per run: every message it causes carries the run's id as its correlation id.
    await deps.session.transaction(async (_, out) => {
      for (const customer of customers) out.send(Unsubscribe, { runId, customer, pattern })
    }, { correlationId: runId })
  }
  const finished = follow(deps, clock, runs, request, startedAt.getTime()).catch((error) => deps.logger.error({ err: error, batchId }, 'the lab runs failed'))
  return { batchId, runIds: runs.map((r) => r.runId), finished }
}

const follow = async (deps: LabDeps, clock: () => Date, runs: readonly { runId: string; pattern: Pattern }[], request: RunRequest, startedMs: number) => {
  const every = deps.sampleEveryMs ?? 250
  const syncEvery = deps.syncEveryMs ?? 2_000
  const giveUpAfter = deps.giveUpAfterMs ?? 120_000
  const down = request.down
  let isDown = down !== null && down.afterMs === 0
  /** When the service that was down consumed again: agreement must outlast what waited for it. */
  let backAtMs = 0
  let lastSync = -Infinity
  const running = new Set(runs.map((r) => r.runId))
  /** Since when each run's three services agree on every customer, told how it ended (the streak's first sample). */
  const agreedSince = new Map<string, number>()
  const outageOver = (atMs: number) => !down || atMs >= down.afterMs + down.forMs
  try {
    while (running.size > 0) {
      const atMs = clock().getTime() - startedMs
      if (down && !isDown && atMs >= down.afterMs && atMs < down.afterMs + down.forMs) {
        await deps.outage.down(down.service)
        isDown = true
      }
      if (down && isDown && atMs >= down.afterMs + down.forMs) {
        await deps.outage.up(down.service)
        isDown = false
        backAtMs = clock().getTime() - startedMs
      }
      const syncing = runs.filter((r) => r.pattern === 'background-sync' && running.has(r.runId))
      if (syncing.length && atMs - lastSync >= syncEvery) {
        lastSync = atMs
        for (const { runId } of syncing) {
          await deps.session.transaction(async (_, out) => {
            out.send(ReconcileContracts, { runId })
            out.send(ReconcileSubscriptions, { runId })
          }, { correlationId: runId })
        }
      }
      const samples = await measure(deps.db, [...running], startedMs, clock)
      for (const [runId, sample] of samples) {
        await deps.db.query(`insert into lab.samples (run_id, at_ms, requested, unsubscribed, contracts_ended, subscriptions_ended, agreed, told, messages)
          values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing`,
          [runId, sample.atMs, sample.requested, sample.unsubscribed, sample.contractsEnded, sample.subscriptionsEnded, sample.agreed, sample.told, sample.messages])
        if (sample.agreed !== request.customers || sample.told !== request.customers) agreedSince.delete(runId)
        else if (!agreedSince.has(runId)) agreedSince.set(runId, sample.atMs)
        const since = agreedSince.get(runId)
        // Agreement counts once it lasts, with the outage over: a service back from it may still take requests that
        // waited for it, and undo an agreement that was only the calm of its absence.
        const converged = since !== undefined && !isDown && outageOver(sample.atMs) && sample.atMs - Math.max(since, backAtMs) >= stableForMs
        if (converged || sample.atMs >= giveUpAfter) {
          // Converged when the last of the three changed (or the last customer was told), which sampling may have
          // missed: a service back from an outage can end and be undone between two samples.
          await deps.db.query(`update lab.runs r set status = $2, finished_at = $4, converged_at = case when $3 then greatest(
              (select max(greatest(p.changed_at, p.told_at)) from lab_profile.customers p where p.run_id = r.id),
              (select max(c.changed_at) from lab_support.contracts c where c.run_id = r.id),
              (select max(b.changed_at) from lab_billing.subscriptions b where b.run_id = r.id)) end where r.id = $1`,
            [runId, converged ? 'converged' : 'gave-up', converged, clock()])
          running.delete(runId)
        }
      }
      if (running.size > 0) await sleep(every)
    }
  } finally {
    if (isDown && down) await deps.outage.up(down.service)
  }
}
