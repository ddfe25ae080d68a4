import type { Database } from '../../messaging/sql.ts'
import type { LabService, Pattern } from './messages.ts'
import type { Sample } from './runner.ts'

export interface RunSummary {
  readonly runId: string
  readonly batchId: string
  readonly pattern: Pattern
  readonly customers: number
  readonly down: { readonly service: LabService; readonly afterMs: number; readonly forMs: number } | null
  readonly startedAt: string
  readonly status: 'running' | 'converged' | 'gave-up'
  /** From the first request to every service agreeing on every customer, who was told how it ended. */
  readonly convergedMs: number | null
  /** Messages the lab's services handled for the run. */
  readonly messages: number
  /** What the customers were told: how many were told it is done, that they are still subscribed, or only that it is being worked on. */
  readonly told: { readonly unsubscribed: number; readonly stillSubscribed: number; readonly workingOnIt: number }
  /** When they had a first answer and when they heard how it ended, from the run's start: median and last, in ms. */
  readonly firstAnswerMs: { readonly p50: number | null; readonly max: number | null }
  readonly finalAnswerMs: { readonly p50: number | null; readonly max: number | null }
}

export interface Batch {
  readonly batchId: string
  readonly runs: readonly (RunSummary & { readonly samples: readonly Sample[] })[]
}

const ms = (value: number | null) => (value === null ? null : Math.round(Number(value)))

/** The runs, newest first, summed up; of one batch when `batchId` is given. */
export const runSummaries = async (db: Database, options: { batchId?: string; limit?: number } = {}): Promise<RunSummary[]> => {
  const { rows } = await db.query<{
    id: string; batchId: string; pattern: Pattern; customers: number; downService: LabService | null; downAfterMs: number; downForMs: number
    startedAt: Date; status: RunSummary['status']; convergedMs: number | null; messages: number; unsubscribed: number; stillSubscribed: number; workingOnIt: number
    firstP50: number | null; firstMax: number | null; finalP50: number | null; finalMax: number | null
  }>(
    `select r.id, r.batch_id as "batchId", r.pattern, r.customers, r.down_service as "downService", r.down_after_ms as "downAfterMs", r.down_for_ms as "downForMs",
       r.started_at as "startedAt", r.status, extract(epoch from (r.converged_at - r.started_at)) * 1000 as "convergedMs",
       (select count(*)::int from lab.handled h where h.run_id = r.id) as messages,
       t.unsubscribed, t."stillSubscribed", t."workingOnIt", t."firstP50", t."firstMax", t."finalP50", t."finalMax"
     from lab.runs r
     cross join lateral (
       select count(*) filter (where p.told = 'unsubscribed')::int as unsubscribed,
         count(*) filter (where p.told = 'still-subscribed')::int as "stillSubscribed",
         count(*) filter (where p.told = 'working-on-it')::int as "workingOnIt",
         percentile_cont(0.5) within group (order by extract(epoch from (p.requested_at - r.started_at)) * 1000) as "firstP50",
         max(extract(epoch from (p.requested_at - r.started_at)) * 1000) as "firstMax",
         percentile_cont(0.5) within group (order by extract(epoch from (p.told_at - r.started_at)) * 1000) filter (where p.told <> 'working-on-it') as "finalP50",
         max(extract(epoch from (p.told_at - r.started_at)) * 1000) filter (where p.told <> 'working-on-it') as "finalMax"
       from lab_profile.customers p where p.run_id = r.id) t
     where ($1::uuid is null or r.batch_id = $1)
     order by r.started_at desc, r.pattern limit $2`, [options.batchId ?? null, options.limit ?? 30])
  return rows.map((r) => ({
    runId: r.id, batchId: r.batchId, pattern: r.pattern, customers: r.customers,
    down: r.downService ? { service: r.downService, afterMs: r.downAfterMs, forMs: r.downForMs } : null,
    startedAt: new Date(r.startedAt).toISOString(), status: r.status, convergedMs: ms(r.convergedMs), messages: r.messages,
    told: { unsubscribed: r.unsubscribed, stillSubscribed: r.stillSubscribed, workingOnIt: r.workingOnIt },
    firstAnswerMs: { p50: ms(r.firstP50), max: ms(r.firstMax) }, finalAnswerMs: { p50: ms(r.finalP50), max: ms(r.finalMax) },
  }))
}

/** One batch: its runs side by side, each with what was measured as it went. */
export const batchOf = async (db: Database, batchId: string): Promise<Batch | undefined> => {
  const runs = await runSummaries(db, { batchId, limit: 10 })
  if (runs.length === 0) return undefined
  const { rows } = await db.query<Sample & { runId: string }>(
    `select run_id as "runId", at_ms as "atMs", requested, unsubscribed, contracts_ended as "contractsEnded", subscriptions_ended as "subscriptionsEnded",
       agreed, told, messages from lab.samples where run_id = any($1::uuid[]) order by at_ms`, [runs.map((r) => r.runId)])
  const order: Pattern[] = ['background-sync', 'orchestration', 'choreography']
  return {
    batchId,
    runs: runs.sort((a, b) => order.indexOf(a.pattern) - order.indexOf(b.pattern))
      .map((run) => ({ ...run, samples: rows.filter((s) => s.runId === run.runId).map(({ runId: _, ...sample }) => sample) })),
  }
}
