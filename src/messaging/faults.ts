import { MessagingError } from './errors.ts'
import type { Database, Sql } from './sql.ts'

/**
 * A fault ops injects into an endpoint on purpose, to watch the system slow down, fail and heal: its messages held
 * before they are handled, failing with a probability (through the usual retries and error queue), or left waiting
 * in its queue. Only where the configuration allows it (POPCORN_FAULTS=on).
 */
export interface Fault {
  readonly endpoint: string
  /** Narrowed to this message type; all of the endpoint's messages when absent. Pausing is never narrowed. */
  readonly messageType?: string
  /** Milliseconds a batch waits before it is handled. */
  readonly delayMs: number
  /** The chance, 0 to 100, that an attempt at a message fails. */
  readonly failPercent: number
  /** The endpoint takes no messages: they wait in its queues, and nothing is lost. */
  readonly paused: boolean
  readonly since: Date
}

export type FaultSetting = Omit<Fault, 'since'>

export const faultLimits = { maxDelayMs: 10 * 60_000 } as const

/** What an attempt throws when ops' fail fault says so: a transient failure, retried like any other. */
export class InjectedFault extends MessagingError {
  constructor(endpoint: string, type: string, percent: number) {
    super('INJECTED_FAULT', `fault injected by ops: ${percent}% of "${type}" fail on endpoint "${endpoint}" (heal it at /api/ops/faults)`)
    this.name = 'InjectedFault'
  }
}

export const readFaults = async (sql: Sql): Promise<Fault[]> => {
  const { rows } = await sql.query<{ endpoint: string; messageType: string; delayMs: number; failPercent: number; paused: boolean; since: Date }>(
    `select endpoint, message_type as "messageType", delay_ms as "delayMs", fail_percent as "failPercent", paused, since
     from messaging.faults order by endpoint, message_type`)
  return rows.map(({ messageType, since, ...row }) => ({ ...row, ...(messageType && { messageType }), since: new Date(since) }))
}

/** Sets one fault as given (a setting with everything off removes it). */
export const setFault = async (db: Database, fault: FaultSetting, at: Date) => {
  const key = [fault.endpoint, fault.messageType ?? '']
  if (fault.delayMs === 0 && fault.failPercent === 0 && !fault.paused) {
    await db.query('delete from messaging.faults where endpoint = $1 and message_type = $2', key)
    return
  }
  await db.query(
    `insert into messaging.faults (endpoint, message_type, delay_ms, fail_percent, paused, since) values ($1, $2, $3, $4, $5, $6)
     on conflict (endpoint, message_type) do update set delay_ms = excluded.delay_ms, fail_percent = excluded.fail_percent, paused = excluded.paused, since = excluded.since`,
    [...key, fault.delayMs, fault.failPercent, fault.paused, at])
}

/** Turns every fault of the endpoint off; how many there were. */
export const healFaults = async (db: Database, endpoint: string): Promise<number> =>
  (await db.query('delete from messaging.faults where endpoint = $1', [endpoint])).rowCount

/** One endpoint's faults, as the pipeline asks them for each batch. */
export interface EndpointFaults {
  readonly paused: boolean
  /** How long a batch of messages of these types waits: the longest delay that applies to any of them. */
  delayMs(types: Iterable<string>): number
  /** The chance that an attempt at a message of this type fails: the highest that applies. */
  failPercent(type: string): number
}

const applies = (fault: Fault, type: string) => fault.messageType === undefined || fault.messageType === type

/** The faults of each endpoint that has any. */
export const faultsByEndpoint = (faults: readonly Fault[]): Map<string, EndpointFaults> => {
  const byEndpoint = new Map<string, Fault[]>()
  for (const fault of faults) byEndpoint.set(fault.endpoint, [...(byEndpoint.get(fault.endpoint) ?? []), fault])
  return new Map([...byEndpoint].map(([endpoint, own]) => [endpoint, {
    paused: own.some((fault) => fault.paused),
    delayMs: (types) => {
      let longest = 0
      for (const type of types) for (const fault of own) if (applies(fault, type)) longest = Math.max(longest, fault.delayMs)
      return longest
    },
    failPercent: (type) => Math.max(0, ...own.filter((fault) => applies(fault, type)).map((fault) => fault.failPercent)),
  }]))
}

/** Whether this attempt fails, drawn from `random` (uniform in [0, 1)): never at 0 %, always at 100 %. */
export const failsThisTime = (percent: number, random: () => number): boolean => random() * 100 < percent
