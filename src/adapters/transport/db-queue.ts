import type { Logger } from 'pino'
import type { Database, Sql } from '../../messaging/sql.ts'
import { noFlush, type ConsumeOptions, type Consumer, type Delivery, type EndpointSpec, type Outgoing, type Transport } from '../../messaging/transport.ts'
import { ownerLeft, queueOwner } from './db-queue/queue-owner.ts'
import { messageRows } from './message-rows.ts'

const CHANNEL = 'popcorn_queue'

export interface DbQueueOptions {
  readonly logger: Logger
  /**
   * How long a claimed message stays invisible to others (a consumer killed mid-message is redelivered after it),
   * and how long a single active consumer's ownership of its queue lasts unless renewed.
   */
  readonly leaseMs?: number
  /** A safety net only: consumers wake on NOTIFY, and on the due time of the next delayed message. */
  readonly pollMs?: number
  /**
   * How often the queue's table is vacuumed where nothing else does it: PGlite runs PostgreSQL in single-user mode,
   * without the autovacuum launcher. Every message is a row inserted and deleted; unvacuumed, the table and its
   * index only grew (20,000 messages left 7.4 MB, and reading a queue's head took 2.6 times as long).
   */
  readonly vacuumMs?: number
}

interface Row {
  id: string
  headers: Record<string, unknown>
  body: string
  deliveries: number
}

/**
 * Writes messages in one statement, in the order given: a message to a queue as one row, an event as one row per
 * subscribed queue. The same statement wakes the consumers of the queues that have a message due now (a NOTIFY,
 * delivered at commit); a message due later wakes nobody: its queue's consumer wakes itself at the due time.
 */
const insertAll = async (tx: Sql, messages: readonly Outgoing[]) => {
  for (const { document, bodies, params } of messageRows(messages, (m) => ({
    queue: 'queue' in m.destination ? m.destination.queue : null,
    topic: 'topic' in m.destination ? m.destination.topic : null,
    message_id: m.messageId,
    headers: m.message.headers,
    visible_at: m.deliverAt ?? null,
  }))) {
    await tx.query(
      `with inserted as (
         insert into messaging.queue (queue, message_id, headers, body, visible_at)
         select coalesce(m.queue, s.queue), m.message_id, m.headers, b.body, coalesce(m.visible_at, now())
         from json_to_recordset($1::json) as m(ord int, queue text, topic text, message_id uuid, headers jsonb, visible_at timestamptz)
         join ${bodies} on b.ord = m.ord
         left join messaging.subscriptions s on m.queue is null and s.message_type = m.topic
         where m.queue is not null or s.queue is not null
         order by m.ord, s.queue
         returning queue, visible_at <= now() as due)
       select pg_notify('${CHANNEL}', w.queue) from (select distinct queue from inserted where due) as w`,
      [document, ...params],
    )
  }
}

/**
 * The embedded shape's transport: a queue table in the same database as the handlers' state, so sending is part
 * of the handler's transaction with no outbox needed. NOTIFY (delivered at commit) wakes consumers at once.
 */
export const createDbQueueTransport = async (db: Database, options: DbQueueOptions): Promise<Transport> => {
  const leaseMs = options.leaseMs ?? 30_000
  const pollMs = options.pollMs ?? 1_000
  const consumers = new Set<Consumer>()
  const temporary = new Set<string>()
  const singleActive = new Set<string>()
  const rowIds = new WeakMap<Delivery, string>()
  const ttlMs = Math.max(3 * pollMs, leaseMs)
  // One process owns a PGlite database: whatever is still leased (messages, queues) was leased by a process that is gone.
  if (db.exclusive) {
    await db.query('update messaging.queue set locked_until = null where locked_until is not null')
    await db.query('delete from messaging.queue_owners')
  }

  const keepAlive = (sql: Sql, queues: readonly string[]) =>
    sql.query(
      `insert into messaging.temporary_queues (queue, expires_at) select q, now() + make_interval(secs => $2::double precision / 1000)
       from unnest($1::text[]) as q on conflict (queue) do update set expires_at = excluded.expires_at`,
      [queues, ttlMs],
    )

  /** Keeps this process's temporary queues alive, and removes those whose process is gone. */
  const sweepTemporary = async () => {
    if (temporary.size) await keepAlive(db, [...temporary])
    await db.transaction(async (tx) => {
      const expired = (await tx.query<{ queue: string }>('delete from messaging.temporary_queues where expires_at < now() returning queue')).rows.map((r) => r.queue)
      if (!expired.length) return
      await tx.query('delete from messaging.subscriptions where queue = any($1::text[])', [expired])
      await tx.query('delete from messaging.queue where queue = any($1::text[])', [expired])
      options.logger.info({ expired }, 'removed the queues of processes that are gone')
    })
  }
  // remove() waits for a sweep in flight, whose keep-alive may still carry the queue being removed.
  let sweeping: Promise<void> = Promise.resolve()
  const housekeeping = setInterval(() => {
    sweeping = sweepTemporary().catch((error) => options.logger.warn({ err: error }, 'temporary queue upkeep failed'))
  }, ttlMs / 3)
  housekeeping.unref()
  // VACUUM gives the space of handled messages back to new ones (and empty trailing pages to the file system) and
  // keeps the planner's idea of the table's size current. On PostgreSQL autovacuum does it.
  let vacuuming: Promise<void> | undefined
  const vacuum = db.kind === 'pglite' ? setInterval(() => {
    vacuuming ??= db.query('vacuum messaging.queue').then(
      () => {},
      (error: unknown) => options.logger.warn({ err: error }, 'vacuuming the queue failed; trying again later'),
    ).finally(() => { vacuuming = undefined })
  }, options.vacuumMs ?? 30_000) : undefined
  vacuum?.unref()

  // The oldest messages of the queue, walking (queue, id), in one statement each: see 008_claim_in_one_statement.sql.
  const claim = (queue: string, limit: number) =>
    db.query<Row>('select id, headers, body, deliveries from messaging.claim($1, $2, $3)', [queue, limit, leaseMs])

  // A queue with one consumer (a single active consumer that owns it, or a process's temporary queue) needs no lease
  // to keep others off its messages: it reads the oldest ready ones it does not hold already and writes nothing.
  // The delivery count is what a lease would have made it; the settling transaction deletes the rows as before.
  const read = (queue: string, limit: number, held: ReadonlySet<string>) =>
    db.query<Row>('select id, headers, body, deliveries from messaging.read_ready($1, $2, $3)', [queue, limit, [...held]])

  // One LISTEN connection for all of this transport's consumers (ordering alone runs nine), not one each.
  // `null`: the connection was lost and is back; what was notified meanwhile did not arrive, so everyone looks.
  const listeners = new Set<(payload: string | null) => void>()
  let listening: Promise<() => Promise<void>> | undefined
  const listen = async (listener: (payload: string | null) => void) => {
    listening ??= db.listen(CHANNEL, (payload) => { for (const notify of listeners) notify(payload) }, () => { for (const notify of listeners) notify(null) })
    await listening
    listeners.add(listener)
    return async () => void listeners.delete(listener)
  }

  const msUntilNext = async (queue: string) => {
    const next = (await db.query<{ ms: number | null }>(
      `select extract(epoch from min(greatest(visible_at, coalesce(locked_until, visible_at))) - now()) * 1000 as ms
       from messaging.queue where queue = $1`, [queue])).rows[0]?.ms
    return next === null || next === undefined ? pollMs : Math.max(5, Math.min(pollMs, Math.ceil(Number(next))))
  }

  const consume = async (queue: string, onDelivery: (delivery: Delivery) => Promise<void>, { concurrency }: ConsumeOptions): Promise<Consumer> => {
    const inFlight = new Set<Promise<void>>()
    let stopped = false
    let signalled = false
    let wake = () => {}
    const signal = () => { signalled = true; wake() }
    const owner = singleActive.has(queue) ? queueOwner(db, queue, leaseMs, CHANNEL) : undefined
    let owned = false
    // The rows handed over and not yet settled. A queue with one consumer is read without leases, except on the
    // first claim after taking it over: a consumer that died may have held those messages, and counting their
    // deliveries then is what stops a message that kills every consumer from doing so for ever.
    const held = new Set<string>()
    const alone = owner !== undefined || temporary.has(queue)
    let takenOver = true
    // New messages wake the consumer that may take them; the owner leaving wakes those waiting to take over.
    const unlisten = await listen((payload) => {
      if (payload === null || (payload === queue ? !owner || owner.holds() : owner && payload === ownerLeft(queue) && !owner.holds())) signal()
    })
    const pause = (ms: number) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => { clearTimeout(timer); resolve() }
    }).finally(() => { wake = () => {} })

    /** A single active consumer takes messages only while it owns the queue. */
    const ownsQueue = async (it: NonNullable<typeof owner>) => {
      const owns = await it.claim().catch((error: unknown) => {
        options.logger.error({ err: error, queue }, 'could not claim or renew ownership of the queue')
        return false
      })
      if (owns !== owned) {
        takenOver = owns
        if (owns) options.logger.info({ queue }, 'now the single active consumer of the queue')
        else options.logger.warn({ queue }, 'no longer the active consumer of the queue: another took it over when the lease ran out')
      }
      owned = owns
      return owns
    }

    const deliveryOf = (row: Row): Delivery => {
      const delivery: Delivery = {
        raw: { headers: row.headers, body: row.body },
        deliveryCount: row.deliveries,
        completeWithin: async (tx) => void (await tx.query('delete from messaging.queue where id = $1', [row.id])),
        ack: async () => {},
        release: async () => {
          held.delete(row.id)
          await db.query('update messaging.queue set locked_until = null where id = $1', [row.id])
        },
      }
      rowIds.set(delivery, row.id)
      return delivery
    }

    const loop = async () => {
      while (!stopped) {
        signalled = false
        if (owner && !(await ownsQueue(owner))) {
          if (!signalled && !stopped) await pause(owner.retryMs)
          continue
        }
        const room = concurrency - inFlight.size
        let claimed = 0
        if (room > 0) {
          const counted = !alone || takenOver
          const rows = await (counted ? claim(queue, room) : read(queue, room, held)).then((r) => r.rows, (error) => {
            options.logger.error({ err: error, queue }, 'could not claim messages')
            return []
          })
          if (counted && rows.length) takenOver = false
          claimed = rows.length
          for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
            held.add(row.id)
            const work = onDelivery(deliveryOf(row)).finally(() => { held.delete(row.id); inFlight.delete(work); signal() })
            inFlight.add(work)
          }
          if (claimed === room) continue
        }
        if (signalled || stopped) continue
        const waitMs = claimed === 0 && inFlight.size === 0 ? await msUntilNext(queue).catch(() => pollMs) : pollMs
        if (signalled || stopped) continue
        await pause(owner ? Math.min(waitMs, owner.retryMs) : waitMs) // the owner renews its lease in time
      }
    }
    const running = loop()
    const consumer: Consumer = {
      async stop() {
        stopped = true
        wake()
        await running
        await Promise.allSettled([...inFlight])
        await owner?.release().catch((error: unknown) => options.logger.warn({ err: error, queue }, 'could not give up the queue; another consumer takes it when the lease runs out'))
        await unlisten()
        consumers.delete(consumer)
      },
    }
    consumers.add(consumer)
    return consumer
  }

  return {
    kind: 'db',
    async depths(queues) {
      const { rows } = await db.query<{ queue: string; depth: number }>(
        // Ready ones only, as RabbitMQ counts: a delayed message (a retry's back-off, a saga's timeout) is not waiting yet.
        'select queue, count(*)::int as depth from messaging.queue where queue = any($1::text[]) and visible_at <= now() group by queue', [queues])
      return new Map([...queues.map((q) => [q, 0] as const), ...rows.map((r) => [r.queue, r.depth] as const)])
    },
    async declare(spec: EndpointSpec) {
      await db.transaction(async (tx) => {
        await tx.query('delete from messaging.subscriptions where queue = $1 and not (message_type = any($2::text[]))', [spec.queue, spec.events])
        for (const type of spec.events) {
          await tx.query('insert into messaging.subscriptions (message_type, queue) values ($1, $2) on conflict do nothing', [type, spec.queue])
        }
        if (spec.temporary) await keepAlive(tx, [spec.queue])
      })
      if (spec.temporary) temporary.add(spec.queue)
      if (spec.singleActiveConsumer) singleActive.add(spec.queue)
    },
    async enqueue(tx, messages) {
      if (messages.length === 0) return noFlush
      await insertAll(tx, messages)
      return noFlush
    },
    async completeAllWithin(tx, deliveries) {
      const ids = deliveries.map((delivery) => rowIds.get(delivery))
      if (ids.some((id) => id === undefined)) throw new Error('a delivery this database queue did not hand over')
      if (ids.length) await tx.query('delete from messaging.queue where id = any($1::bigint[])', [ids])
    },
    consume,
    async remove(spec) {
      temporary.delete(spec.queue)
      await sweeping
      await db.transaction(async (tx) => {
        await tx.query('delete from messaging.temporary_queues where queue = $1', [spec.queue])
        await tx.query('delete from messaging.subscriptions where queue = $1', [spec.queue])
        await tx.query('delete from messaging.queue where queue = $1', [spec.queue])
      })
    },
    async close() {
      clearInterval(housekeeping)
      clearInterval(vacuum)
      await vacuuming
      await Promise.all([...consumers].map((consumer) => consumer.stop()))
      const unlisten = await listening?.catch(() => undefined)
      listening = undefined
      await unlisten?.()
    },
  }
}
