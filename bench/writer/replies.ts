import { OrderOutcome } from '../../src/contexts/ordering/messages.ts'
import { handle } from '../../src/messaging/handler.ts'

/**
 * The bench's side of the replies: the OrderOutcome handler of its per-instance endpoint (a web node's, minus the
 * sockets), which notes when each order's answer arrived and what it said.
 */
export const createReplies = () => {
  const arrivals = new Map<string, { readonly at: number; readonly outcome: string }>()
  let duplicates = 0
  const waiting: (() => void)[] = []
  return {
    handler: handle(OrderOutcome, (outcome) => {
      if (arrivals.has(outcome.orderId)) duplicates++
      else arrivals.set(outcome.orderId, { at: performance.now(), outcome: outcome.outcome })
      for (const wake of waiting.splice(0)) wake()
    }),
    arrivalOf: (orderId: string) => arrivals.get(orderId),
    /** Orders answered so far (the first answer of each). */
    count: () => arrivals.size,
    /** Answers to an order answered before: a redelivered decision, or a second one. */
    duplicates: () => duplicates,
    /** Settles at the next answer, or after `ms`. */
    next: (ms: number) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      waiting.push(() => {
        clearTimeout(timer)
        resolve()
      })
    }),
  }
}

export type Replies = ReturnType<typeof createReplies>
