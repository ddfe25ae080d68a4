import { randomUUID } from 'node:crypto'
import type { Database } from '../../../messaging/sql.ts'

/** The NOTIFY payload that wakes the consumers waiting for a queue whose owner stopped. */
export const ownerLeft = (queue: string) => `${queue} owner-left`

const take = `
  insert into messaging.queue_owners (queue, owner, expires_at)
  values ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
  on conflict (queue) do update set owner = excluded.owner, expires_at = excluded.expires_at
  where queue_owners.owner = excluded.owner or queue_owners.expires_at < now()
  returning owner`

/**
 * A single active consumer on the database queue: the one consumer, across every process, that holds a queue's
 * lease in messaging.queue_owners may take its messages. It takes the lease when the queue has no owner, is its
 * own or the lease ran out; renews it every third of the lease; deletes it at stop, which wakes those waiting.
 *
 * A lease can run out under a paused process (a long GC pause, a frozen VM) that still has a message in hand, and
 * a second consumer then starts on the queue. Handlers that must never interleave therefore also write with an
 * expected version (ordering appends to its stream under unique (stream, version)): the lease is the mechanism,
 * the expected version the safety net.
 */
export const queueOwner = (db: Database, queue: string, leaseMs: number, channel: string) => {
  const id = randomUUID()
  const renewEveryMs = Math.max(1, Math.floor(leaseMs / 3))
  // By this process's clock, measured from before asking: never later than the lease the database granted.
  let heldUntil = 0
  let renewAt = 0

  return {
    /** How long a consumer that does not own the queue waits before asking again; a release wakes it sooner. */
    retryMs: renewEveryMs,
    holds: () => Date.now() < heldUntil,
    /** True when this consumer owns the queue now; asks the database only when the lease is due for renewal. */
    async claim(): Promise<boolean> {
      const asked = Date.now()
      if (asked < renewAt) return true
      const won = (await db.query(take, [queue, id, leaseMs])).rows.length === 1
      heldUntil = won ? asked + leaseMs : 0
      renewAt = won ? asked + renewEveryMs : 0
      return won
    },
    async release() {
      heldUntil = renewAt = 0
      await db.query(
        `with gone as (delete from messaging.queue_owners where queue = $1 and owner = $2 returning queue)
         select pg_notify($3, $4) from gone`,
        [queue, id, channel, ownerLeft(queue)],
      )
    },
  }
}

export type QueueOwner = ReturnType<typeof queueOwner>
