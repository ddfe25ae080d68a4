import { eachLimit } from './popcorn.ts'
import { io, type Socket } from 'socket.io-client'
import type { Act } from './crowd.ts'

interface Place {
  readonly showtimeId?: string
  readonly active?: boolean
  readonly admitted?: boolean
  readonly position?: number
  readonly ratePerSecond?: number
}

/** What the room told its people about itself, when: its outflow, and whether it was on. */
export interface RoomSighting {
  readonly at: number
  readonly active: boolean
  readonly ratePerSecond: number
}

type Answer = { ok: true; [key: string]: unknown } | { ok: false; error?: { code?: string; message?: string } }

/** Resolves true when `promise` does, false when `stop` aborts first. */
const until = (promise: Promise<unknown>, stop: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    if (stop.aborted) return resolve(false)
    const stopped = () => resolve(false)
    stop.addEventListener('abort', stopped, { once: true })
    promise.then(() => {
      stop.removeEventListener('abort', stopped)
      resolve(true)
    }, stopped)
  })

const codeOf = (answer: Answer) => (answer.ok ? undefined : answer.error?.code ?? 'UNKNOWN')

/**
 * The session a browser gets with the first page it loads: the server issues and signs it (an invented cookie is
 * no session). The lightest answer that carries it is the health check's.
 */
export const browserSession = async (url: string): Promise<string> => {
  const response = await fetch(`${url}/health`)
  await response.arrayBuffer()
  const issued = response.headers.getSetCookie().find((set) => set.startsWith('popcorn_session='))
  if (!issued) throw new Error(`${url} issued no browser session`)
  return issued.split(';')[0]!
}

/**
 * The sessions of a crowd's browsers, from the pages they had open before the sale (fetched before the burst, and
 * not timed): a flash sale's buyers have loaded the showing's page already; the storm is their sockets and orders.
 */
export const browserSessionsFor = async (url: string, count: number): Promise<string[]> => {
  const sessions = new Array<string>(count)
  await eachLimit(Array.from({ length: count }, (_, i) => i), 20, async (i) => { sessions[i] = await browserSession(url) })
  return sessions
}

/** A browser's realtime connection: its browser session, the websocket first, long-polling only when it cannot be opened. */
export const browserSocket = (url: string, sessionCookie: string) => io(url, {
  transports: ['websocket', 'polling'],
  tryAllTransports: true,
  forceNew: true,
  extraHeaders: { cookie: sessionCookie },
  reconnectionDelay: 500,
  timeout: 20_000,
})

/**
 * A browser on the ordering page of a hot showing, as a real realtime client: the page's answer gives it its
 * browser session, then its socket, the waiting room when the server has one, then the order, then the outcome pushed to it.
 */
export const popcornBuyers = (url: string, options: { room: boolean; answerTimeoutMs: number; sessions?: readonly string[] }) => {
  const sockets: Socket[] = []
  const sightings: RoomSighting[] = []
  const saw = (place: Place | undefined, at: number) =>
    place && typeof place.ratePerSecond === 'number' && sightings.push({ at, active: place.active === true, ratePerSecond: place.ratePerSecond })

  const act: Act = async (buyer, trace, now, stop) => {
    let session = options.sessions?.[buyer.index]
    if (!session && (!(await until(browserSession(url).then((issued) => { session = issued }), stop)) || !session)) return void (trace.error = 'CONNECT_FAILED')
    const socket = browserSocket(url, session)
    sockets.push(socket)
    const ask = async (event: string, payload: unknown) =>
      (await socket.timeout(options.answerTimeoutMs).emitWithAck(event, payload)) as Answer

    socket.on('connect_error', () => void trace.connectErrors++)
    const outcome = new Promise<void>((resolve) => {
      socket.on('order:outcome', (pushed: { orderId?: string; outcome?: string }) => {
        if (pushed.orderId !== buyer.orderId) return
        if (stop.aborted) return void (trace.lateOutcome = String(pushed.outcome)) // the figures end with the crowd
        const at = now()
        trace.pushes.push({ outcome: String(pushed.outcome), at })
        trace.resultAt ??= at
        trace.outcome = String(pushed.outcome)
        resolve()
      })
    })
    const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    if (!(await until(connected, stop))) return void (trace.error = 'CONNECT_FAILED')
    trace.connectedAt = now()

    let token: string | undefined
    if (options.room) {
      let place: Place | undefined
      try {
        const joined = await ask('waiting-room:join', { showtimeId: buyer.showtimeId })
        if (!joined.ok) return void (trace.error = `JOIN_${codeOf(joined)}`)
        token = String(joined.token)
        place = joined.place as Place
      } catch {
        return void (trace.error = 'JOIN_TIMEOUT')
      }
      trace.joinedAt = now()
      saw(place, trace.joinedAt)
      if (!place?.admitted) {
        trace.waited = true
        const admitted = new Promise<void>((resolve) => {
          socket.on('waiting-room:status', (status: Place) => {
            saw(status, now())
            if (status.admitted) resolve()
          })
          const watch = () => socket.emit('waiting-room:watch', { token }, (answer: Answer | undefined) => {
            if (answer?.ok && (answer.place as Place | undefined)?.admitted) resolve()
          })
          watch()
          socket.io.on('reconnect', watch) // a place is kept across a reconnect: watch it again
        })
        if (!(await until(admitted, stop))) return void (trace.error = 'STILL_WAITING')
      }
      trace.admittedAt = now()
    }

    trace.submittedAt = now()
    // Like the browser: after a reconnect, ask for what was decided meanwhile.
    socket.io.on('reconnect', () => socket.emit('orders:resume', { orderIds: [buyer.orderId] }))
    try {
      const ack = await ask('order:submit', {
        orderId: buyer.orderId, showtimeId: buyer.showtimeId, tickets: buyer.tickets, email: buyer.email, ...(token && { placeToken: token }),
      })
      trace.answeredAt = now()
      if (!ack.ok) return void (trace.error = codeOf(ack))
      trace.acknowledged = true
      trace.ackStatus = String(ack.status)
      // Sold out as the web node already knew: the answer is the outcome, and nothing will be pushed.
      if (ack.status === 'sold-out' && !('statusUrl' in ack)) {
        trace.resultAt = trace.answeredAt
        trace.outcome = 'sold-out'
        return
      }
    } catch {
      trace.error = 'ACK_TIMEOUT' // the order may still be taken: the check over HTTP after the run tells
    }
    await until(outcome, stop)
  }

  return { act, sightings, close: () => sockets.splice(0).forEach((socket) => socket.close()) }
}

/**
 * Whether the server has a waiting room: a join with a bad showtime id gets a clear refusal from a server that
 * has one, and no answer at all from one that does not (Socket.IO ignores an event nobody listens to).
 */
export const hasWaitingRoom = async (url: string): Promise<boolean> => {
  const socket = io(url, { transports: ['websocket', 'polling'], tryAllTransports: true, forceNew: true, reconnection: false, extraHeaders: { cookie: await browserSession(url) } })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    await socket.timeout(3_000).emitWithAck('waiting-room:join', { showtimeId: '' })
    return true
  } catch {
    return false
  } finally {
    socket.close()
  }
}
