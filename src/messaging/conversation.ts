import { BUNDLE_HEADER, openBundle } from './bundle.ts'
import { causalOrder } from './causal-order.ts'
import { endpointOfQueue } from './partitions.ts'
import { iso, pendingTimeoutsOf, sagaColumns, type SagaInstance, type SagaRow } from './saga-instances.ts'
import type { Database } from './sql.ts'

export type MessageStatus = 'handled' | 'failed' | 'waiting'

/** One message of a conversation, where it is now: handled at a queue, failed into the error queue, or waiting. */
export interface ConversationMessage {
  readonly messageId: string
  readonly type: string | null
  readonly intent: string | null
  readonly causationId: string | null
  /** The endpoint that sent it (absent on messages sent by code outside any endpoint). */
  readonly sentBy: string | null
  /** The receiver: its queue and that queue's endpoint; null while it waits in RabbitMQ's outbox for a topic's subscribers. */
  readonly queue: string | null
  readonly endpoint: string | null
  /** The event type it waits to be published as, in RabbitMQ's outbox. */
  readonly topic?: string
  readonly sentAt: string | null
  readonly handledAt: string | null
  /** Sent → handled (or → failed): how long it waited for its handler. */
  readonly waitMs: number | null
  readonly status: MessageStatus
  /** Waiting: not before this (a saga's timeout, a delayed retry). */
  readonly dueAt?: string
  /** It failed into the error queue (and may have been retried since, and handled). */
  readonly failure?: { readonly code: string; readonly reason: string; readonly attempts: number; readonly failedAt: string; readonly resolution: string }
  /** A timeout of, or a reply to, this saga. */
  readonly saga?: { readonly name: string; readonly id: string }
  /** How many of its causes are above it in this conversation: 0 started it (or its cause is no longer known). */
  readonly depth: number
}

export interface Conversation {
  readonly correlationId: string
  readonly messages: readonly ConversationMessage[]
  /** Sagas it touched: correlated by the same id, addressed by one of its messages, or whose state mentions the id. */
  readonly sagas: readonly SagaInstance[]
  /** What may be missing from it, when something is. */
  readonly notes: readonly string[]
}

/** Most of a conversation read; a lab run of a hundred customers is a few thousand messages. */
const mostMessages = 5_000
/** Most bundles of each of the outbox and the queue looked into: a backlog of bundles is hundreds of kB each to read. */
const mostBundles = 500
const mostSagas = 50
/** A shorter id would be found in every saga's state by chance. */
const shortestMentioned = 8

type Entry = Omit<ConversationMessage, 'depth'>
type HeaderMap = Record<string, unknown>

const text = (value: unknown) => (typeof value === 'string' ? value : null)
const at = (value: Date | string | null | undefined) => (value ? iso(value) : null)
const msBetween = (from: string | null, to: string | null) => (from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null)
const sagaOf = (name: unknown, id: unknown) => (typeof name === 'string' && typeof id === 'string' ? { saga: { name, id } } : {})

const fromHeaders = (headers: HeaderMap) => ({
  messageId: String(headers.messageId ?? '').toLowerCase(),
  type: text(headers.type), intent: text(headers.intent), causationId: text(headers.causationId), sentBy: text(headers.sentBy),
  sentAt: text(headers.sentAt) && iso(text(headers.sentAt)!),
  ...sagaOf(headers.sagaName, headers.sagaId),
})

const handled = async (db: Database, correlationId: string): Promise<Entry[]> => {
  const { rows } = await db.query<{
    queue: string; message_id: string; message_type: string | null; intent: string | null; causation_id: string | null; sent_by: string | null
    sent_at: Date | string | null; handled_at: Date | string; saga_name: string | null; saga_id: string | null
  }>(
    `select queue, message_id::text, message_type, intent, causation_id, sent_by, sent_at, handled_at, saga_name, saga_id
     from messaging.inbox where correlation_id = $1 order by handled_at limit ${mostMessages + 1}`,
    [correlationId],
  )
  return rows.map((r) => {
    const sentAt = at(r.sent_at)
    const handledAt = at(r.handled_at)
    return {
      messageId: r.message_id, type: r.message_type, intent: r.intent, causationId: r.causation_id, sentBy: r.sent_by,
      queue: r.queue, endpoint: endpointOfQueue(r.queue), sentAt, handledAt, waitMs: msBetween(sentAt, handledAt), status: 'handled',
      ...sagaOf(r.saga_name, r.saga_id),
    }
  })
}

const failed = async (db: Database, correlationId: string): Promise<Entry[]> => {
  const { rows } = await db.query<{ queue: string; headers: HeaderMap; code: string; reason: string; attempts: number; failed_at: Date | string; status: string }>(
    `select queue, headers, code, reason, attempts, failed_at, status from messaging.failed_messages
     where headers->>'correlationId' = $1 order by failed_at limit ${mostMessages + 1}`,
    [correlationId],
  )
  return rows.map((r) => {
    const headers = fromHeaders(r.headers)
    const failedAt = iso(r.failed_at)
    return {
      ...headers, queue: r.queue, endpoint: endpointOfQueue(r.queue), handledAt: null, waitMs: msBetween(headers.sentAt, failedAt), status: 'failed',
      failure: { code: r.code, reason: r.reason, attempts: r.attempts, failedAt, resolution: r.status },
    }
  })
}

/** A bundle that cannot be opened will fail into the error queue whole when it is handled: there it is seen. */
const openedOrNone = (headers: HeaderMap, body: string) => {
  try {
    return openBundle({ headers, body })
  } catch {
    return []
  }
}

interface WaitingRow {
  readonly headers: HeaderMap
  readonly body: string | null
  readonly kind: string
  readonly destination: string
  readonly due_at: Date | string
}

/**
 * What waits in the outbox (RabbitMQ's, until relayed; a saga's timeout until due) and in the database queue: by its
 * headers, or inside a bundle (one row carrying many messages, whose headers are in its body) found by its text.
 * Neither table is indexed for this (see saga-instances.ts); the bundles looked into are the most recent ones.
 */
const waiting = async (db: Database, correlationId: string): Promise<{ entries: Entry[]; notes: string[] }> => {
  const places = [
    { table: 'messaging.outbox', kind: 'destination_kind', destination: 'destination', dueAt: 'deliver_at' },
    { table: 'messaging.queue', kind: `'queue'`, destination: 'queue', dueAt: 'visible_at' },
  ]
  const notes: string[] = []
  const entries: Entry[] = []
  for (const place of places) {
    const { rows } = await db.query<WaitingRow & { more: boolean }>(
      `with recent_bundles as (select id from ${place.table} where headers ? '${BUNDLE_HEADER}' order by id desc limit ${mostBundles + 1})
       select headers, null as body, ${place.kind} as kind, ${place.destination} as destination, ${place.dueAt} as due_at, false as more
       from ${place.table} where headers->>'correlationId' = $1
       union all
       select headers, body, ${place.kind}, ${place.destination}, ${place.dueAt}, (select count(*) from recent_bundles) > ${mostBundles}
       from ${place.table} where id in (select id from recent_bundles order by id desc limit ${mostBundles}) and position($1 in body) > 0`,
      [correlationId],
    )
    if (rows.some((r) => r.more)) notes.push(`only the ${mostBundles} most recent bundles in ${place.table} were looked into`)
    for (const row of rows) {
      const raws = row.body === null ? [{ headers: row.headers, body: '' }] : openedOrNone(row.headers, row.body)
      for (const raw of raws) {
        if (raw.headers.correlationId !== correlationId) continue
        const toTopic = row.kind === 'topic'
        entries.push({
          ...fromHeaders(raw.headers), queue: toTopic ? null : row.destination, endpoint: toTopic ? null : endpointOfQueue(row.destination),
          ...(toTopic && { topic: row.destination }), handledAt: null, waitMs: null, status: 'waiting',
          ...(Date.parse(iso(row.due_at)) > Date.now() && { dueAt: iso(row.due_at) }),
        })
      }
    }
  }
  return { entries, notes }
}

const rank: Record<MessageStatus, number> = { handled: 3, waiting: 2, failed: 1 }

/**
 * One entry per message per receiver: where it is now (handled over waiting over failed), with its failure kept when it
 * was retried since. Of several failures of one message, the latest.
 */
const merge = (entries: readonly Entry[]): Entry[] => {
  const byPlace = new Map<string, Entry>()
  for (const entry of entries) {
    const key = `${entry.messageId} ${entry.queue ?? entry.topic}`
    const known = byPlace.get(key)
    if (!known) byPlace.set(key, entry)
    else {
      const [now, other] = rank[entry.status] >= rank[known.status] ? [entry, known] : [known, entry]
      const failure = [now.failure, other.failure].filter((f) => f !== undefined).sort((a, b) => b.failedAt.localeCompare(a.failedAt))[0]
      byPlace.set(key, { ...now, ...(failure && { failure }) })
    }
  }
  return [...byPlace.values()]
}

const touchedSagas = async (db: Database, correlationId: string, messages: readonly ConversationMessage[]): Promise<SagaInstance[]> => {
  const addressed = messages.flatMap((m) => (m.saga ? [m.saga] : []))
  const { rows } = await db.query<SagaRow>(
    `select ${sagaColumns} from messaging.sagas
     where correlation_id = $1 or (saga, correlation_id) in (select * from unnest($2::text[], $3::text[]))
        or (length($1) >= ${shortestMentioned} and position($1 in state::text) > 0)
     order by started_at, saga, correlation_id limit ${mostSagas}`,
    [correlationId, addressed.map((s) => s.name), addressed.map((s) => s.id)],
  )
  return pendingTimeoutsOf(db, rows)
}

/**
 * Every message of one correlation id that is still known — handled (the inbox, kept a week), failed (the error
 * queue) or waiting (the outbox, the database queue) — in causal order, with the sagas it touched and their pending
 * timeouts. Not seen: what RabbitMQ holds between relay and handling; what a web node handled — the replies it
 * pushed to browsers, the events it showed live — whose inbox is in memory (see inbox.ts: a row per reply cost too
 * much); what the inbox forgot (after a week) or never recorded (rows from before it recorded headers).
 */
export const conversation = async (db: Database, correlationId: string): Promise<Conversation> => {
  const [inbox, errors, queued] = await Promise.all([handled(db, correlationId), failed(db, correlationId), waiting(db, correlationId)])
  const notes = [...queued.notes]
  if (inbox.length > mostMessages) notes.push(`only the first ${mostMessages} messages handled are listed`)
  const entries = merge([...inbox.slice(0, mostMessages), ...errors.slice(0, mostMessages), ...queued.entries])
  const messages = causalOrder(entries.map((entry) => ({ ...entry, at: entry.sentAt ?? entry.handledAt ?? entry.failure?.failedAt ?? null })))
    .map(({ at: _, ...message }) => message)
  return { correlationId, messages, sagas: await touchedSagas(db, correlationId, messages), notes }
}
