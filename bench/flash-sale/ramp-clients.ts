import type { Socket } from 'socket.io-client'
import { browserSession, browserSocket } from './popcorn-buyer.ts'
import { eachLimit } from './popcorn.ts'
import type { RampClient, RampTrace } from './ramp.ts'

type Answer = { ok: true; status?: string; outcome?: { outcome?: string } } | { ok: false; error?: { code?: string } }

/**
 * Browsers already on the ordering page of the arena showing: `sockets` realtime clients, each with its own
 * browser-session cookie, connected before the ramp starts. Orders go out over them in turn (a browser session may
 * order 20 times in 10 s, so there are enough of them for the top rate); each waits for its pushed outcome.
 */
export const popcornRampClient = async (url: string, options: { sockets: number; showtimeId: string; answerTimeoutMs: number }) => {
  const sockets: Socket[] = []
  const waiting = new Map<string, (outcome: string) => void>()
  const onOutcome = (pushed: { orderId?: string; outcome?: string }) => {
    if (typeof pushed?.orderId === 'string') waiting.get(pushed.orderId)?.(String(pushed.outcome))
  }
  await eachLimit(Array.from({ length: options.sockets }, (_, i) => i), 50, async () => {
    const socket = browserSocket(url, await browserSession(url))
    sockets.push(socket)
    socket.on('order:outcome', onOutcome)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      setTimeout(() => reject(new Error(`a socket did not connect within 30 s (${sockets.length} opened)`)), 30_000).unref()
    })
  })
  let turn = 0
  const client: RampClient = {
    async order(trace: RampTrace, now, stop) {
      const socket = sockets[turn++ % sockets.length]!
      const decided = new Promise<void>((resolve) => {
        const done = () => {
          waiting.delete(trace.orderId)
          stop.removeEventListener('abort', done)
          resolve()
        }
        waiting.set(trace.orderId, (outcome) => {
          trace.resultAt ??= now()
          trace.outcome ??= outcome
          done()
        })
        stop.addEventListener('abort', done, { once: true })
      })
      try {
        const ack = (await socket.timeout(options.answerTimeoutMs).emitWithAck('order:submit', {
          orderId: trace.orderId, showtimeId: options.showtimeId, tickets: trace.tickets, email: `ramp-${trace.step}@flash-sale.example`,
        })) as Answer
        trace.answeredAt = now()
        if (!ack.ok) {
          trace.error = ack.error?.code ?? 'UNKNOWN'
          waiting.get(trace.orderId)?.('')
          return
        }
      } catch {
        trace.error = 'ACK_TIMEOUT'
      }
      await decided
    },
  }
  return { client, close: () => sockets.splice(0).forEach((socket) => socket.close()) }
}

/** The naive site's buyers: one HTTP POST per order (keep-alive connections, as a browser keeps them), answered when committed. */
export const naiveRampClient = (url: string, options: { showtimeId: string; answerTimeoutMs: number }): RampClient => ({
  async order(trace, now, stop) {
    try {
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: trace.orderId, showingId: options.showtimeId, tickets: trace.tickets, email: `ramp-${trace.step}@flash-sale.example` }),
        signal: AbortSignal.any([AbortSignal.timeout(options.answerTimeoutMs), stop]),
      })
      const body = (await response.json().catch(() => ({}))) as { outcome?: string; code?: string }
      trace.answeredAt = now()
      if (!response.ok || !body.outcome) return void (trace.error = body.code ?? `HTTP_${response.status}`)
      trace.resultAt = trace.answeredAt
      trace.outcome = body.outcome
    } catch (error) {
      trace.error = error instanceof Error && error.name === 'TimeoutError' ? 'TIMEOUT' : stop.aborted ? 'DEADLINE' : 'NETWORK'
    }
  },
})
