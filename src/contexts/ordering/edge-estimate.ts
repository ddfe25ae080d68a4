/**
 * What one web node has promised at the edge of optimistic showtimes and not yet seen decided. The seats it may still
 * promise are the seats left as the writer last decided, minus those. Kept per node and in memory on purpose: nodes
 * do not ask each other (that would be the lock the optimistic policy exists to avoid), so two nodes together can
 * promise more seats than there are — the writer then reconciles, and ordering compensates.
 */
export interface EdgeEstimate {
  /** Promises the order's tickets when the estimate covers them; false when it does not, or the order is promised already. */
  promise(order: { readonly orderId: string; readonly showtimeId: string; readonly tickets: number }, seatsLeft: number): boolean
  /** The writer decided the order (its reply came back), or it was never stored: its tickets are no longer pending here. */
  settle(orderId: string): void
  /** Tickets of a showtime this node promised and has not seen decided. */
  pending(showtimeId: string): number
}

interface Promised {
  readonly showtimeId: string
  readonly tickets: number
  readonly at: number
}

/**
 * `forgetAfterMs`: a promise whose reply never came (lost with a restarted worker's socket, say) stops counting after
 * this, so it cannot hold the estimate down for ever; longer than the writer's backlog in a burst should ever be.
 */
export const createEdgeEstimate = (options: { readonly forgetAfterMs?: number; readonly clock?: () => number } = {}): EdgeEstimate => {
  const forgetAfterMs = options.forgetAfterMs ?? 60_000
  const clock = options.clock ?? Date.now
  // Insertion order is promise order: the expired ones are always at the front.
  const promised = new Map<string, Promised>()
  const pendingByShowtime = new Map<string, number>()

  const drop = (orderId: string) => {
    const entry = promised.get(orderId)
    if (!entry) return
    promised.delete(orderId)
    const left = (pendingByShowtime.get(entry.showtimeId) ?? 0) - entry.tickets
    if (left > 0) pendingByShowtime.set(entry.showtimeId, left)
    else pendingByShowtime.delete(entry.showtimeId)
  }

  const forgetExpired = () => {
    const expiredBefore = clock() - forgetAfterMs
    for (const [orderId, entry] of promised) {
      if (entry.at > expiredBefore) break
      drop(orderId)
    }
  }

  const pending = (showtimeId: string) => {
    forgetExpired()
    return pendingByShowtime.get(showtimeId) ?? 0
  }

  return {
    promise({ orderId, showtimeId, tickets }, seatsLeft) {
      if (promised.has(orderId) || tickets > seatsLeft - pending(showtimeId)) return false
      promised.set(orderId, { showtimeId, tickets, at: clock() })
      pendingByShowtime.set(showtimeId, (pendingByShowtime.get(showtimeId) ?? 0) + tickets)
      return true
    },
    settle: drop,
    pending,
  }
}
