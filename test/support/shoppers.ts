import { io, type Socket } from 'socket.io-client'

export interface Order {
  readonly showtimeId: string
  readonly tickets: number
  readonly email: string
  readonly orderId?: string
}

/** One of a browser's sockets, with the outcomes pushed to it, by order id and how often. */
export interface ShopperSocket {
  readonly socket: Socket
  readonly outcomes: Map<string, { outcome: string; count: number }>
  /** `status` 'sold-out' without a `statusUrl`: answered at once from the web node's view, nothing taken, nothing to push. */
  submit(order: Order): Promise<{ ok: boolean; orderId?: string; status?: string; statusUrl?: string; seatsLeft?: number; error?: { code: string; message: string } }>
  /** Asks for the outcomes of these orders, as the page does for an answer that is late: decided ones are pushed. */
  resume(orderIds: readonly string[]): Promise<{ ok: boolean; pending?: string[] }>
}

/**
 * A browser as the server sees it: the session cookie the server issued when it first asked for something (a page;
 * here its health), and any number of sockets that join that session's room.
 */
export const shopper = () => {
  let cookie: string | undefined
  const sockets: Socket[] = []
  const sessionCookie = async (url: string) => {
    if (!cookie) {
      const issued = (await fetch(`${url}/health`)).headers.getSetCookie().find((set) => set.startsWith('popcorn_session='))
      if (!issued) throw new Error(`${url} issued no session`)
      cookie = issued.split(';')[0]!
    }
    return cookie
  }
  return {
    get cookie(): string {
      if (!cookie) throw new Error('no session yet: connect or order first')
      return cookie
    },
    sessionCookie,
    /** The form token of this shopper's session, as a page's form carries it (`_csrf`). */
    formToken: async (url: string) =>
      ((await (await fetch(`${url}/api/form-token`, { headers: { cookie: await sessionCookie(url) } })).json()) as { token: string }).token,
    connect: async (url: string) => {
      const cookie = await sessionCookie(url)
      return new Promise<ShopperSocket>((resolve, reject) => {
        // As the browser: the websocket first, long-polling only when it cannot be opened.
        const socket = io(url, { transports: ['websocket', 'polling'], tryAllTransports: true, extraHeaders: { cookie }, reconnection: true })
        const outcomes = new Map<string, { outcome: string; count: number }>()
        socket.on('order:outcome', (o: { orderId: string; outcome: string }) =>
          outcomes.set(o.orderId, { outcome: o.outcome, count: (outcomes.get(o.orderId)?.count ?? 0) + 1 }))
        socket.once('connect', () => resolve({
          socket, outcomes,
          submit: (order) => socket.timeout(30_000).emitWithAck('order:submit', order),
          resume: (orderIds) => socket.timeout(30_000).emitWithAck('orders:resume', { orderIds }),
        }))
        socket.once('connect_error', reject)
        sockets.push(socket)
      })
    },
    /** Orders over HTTP, as the fallback (and a script) would. */
    async order(url: string, order: Order): Promise<{ status: number; orderId?: string; answer?: string }> {
      const response = await fetch(`${url}/api/orders`, { method: 'POST', headers: { cookie: await sessionCookie(url), 'content-type': 'application/json' }, body: JSON.stringify(order) })
      const body = (await response.json()) as { orderId?: string; status?: string }
      return { status: response.status, ...(body.orderId && { orderId: body.orderId }), ...(body.status && { answer: body.status }) }
    },
    close: () => sockets.forEach((socket) => socket.close()),
  }
}

export type Shopper = ReturnType<typeof shopper>
