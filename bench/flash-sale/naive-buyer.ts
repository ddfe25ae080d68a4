import type { Act } from './crowd.ts'

/** Why a request failed, as a short stable code: the naive site's own, its HTTP status, or the socket's. */
const failureOf = (error: unknown, stop: AbortSignal): string => {
  if (error instanceof Error && error.name === 'TimeoutError') return 'TIMEOUT'
  if (stop.aborted) return 'DEADLINE'
  const cause = (error as { cause?: { code?: string } }).cause
  return cause?.code ?? (error instanceof Error ? error.name : 'UNKNOWN')
}

/**
 * A browser on the old site: one HTTP POST per order, answered when the transaction has committed. For it the
 * acknowledgement and the result are the same answer.
 */
export const naiveBuyers = (url: string, options: { answerTimeoutMs: number }): Act => async (buyer, trace, now, stop) => {
  trace.submittedAt = now()
  try {
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: buyer.orderId, showingId: buyer.showtimeId, tickets: buyer.tickets, email: buyer.email }),
      signal: AbortSignal.any([AbortSignal.timeout(options.answerTimeoutMs), stop]),
    })
    const body = (await response.json().catch(() => ({}))) as { outcome?: string; code?: string }
    trace.answeredAt = now()
    if (!response.ok || !body.outcome) return void (trace.error = body.code ?? `HTTP_${response.status}`)
    trace.acknowledged = true
    trace.ackStatus = body.outcome
    trace.resultAt = trace.answeredAt
    trace.outcome = body.outcome
  } catch (error) {
    trace.error = failureOf(error, stop)
  }
}
