export interface Answer {
  readonly status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads what it expects, and fails if it is not there
  readonly body: any
  readonly headers: Headers
}

/**
 * A browser over HTTP: the cookies the server sets (its session, signed, on the first answer; a waiting room's
 * place token), sent back on every request. Redirects are not followed, so a test sees where it would go.
 */
export const visitor = (url: string) => {
  const cookies = new Map<string, string>()
  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const form = typeof body === 'string'
    const response = await fetch(`${url}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: cookie(), ...(body !== undefined && { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }), ...headers },
      ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
    })
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(';')[0]!
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
    }
    const text = await response.text()
    const json = (response.headers.get('content-type') ?? '').includes('json')
    return { status: response.status, body: json && text ? JSON.parse(text) : text, headers: response.headers }
  }
  return {
    /** Posts a form as a page of the site would: with the form token of this visitor's session (`_csrf`). */
    async submit(path: string, fields: Record<string, string>) {
      const { body } = await call('GET', '/api/form-token')
      return call('POST', path, new URLSearchParams({ ...fields, [body.field]: body.token }).toString())
    },
    /** The session id the server issued (known after the first answer), as its tables hold it. */
    get session(): string {
      const signed = cookies.get('popcorn_session')
      if (!signed) throw new Error('no session yet: the server issues it with its first answer')
      return decodeURIComponent(signed).split('.')[0]!
    },
    cookie,
    cookies,
    call,
    join: (showtimeId: string) => call('POST', `/api/waiting-room/${showtimeId}/places`),
    mine: (showtimeId: string, token?: string) =>
      call('GET', `/api/waiting-room/${showtimeId}/places/mine${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`),
    order: (order: Record<string, unknown>) => call('POST', '/api/orders', order),
  }
}

export type Visitor = ReturnType<typeof visitor>

/** The admin password the test processes and nodes are started with (see popcorn-process.ts, popcorn-node.ts). */
export const testAdminPassword = 'popcorn-test-admin'

/**
 * What every test process and node is started with unless a test says otherwise: the admin password, and the
 * per-address and per-e-mail order limits out of the way (every test client is 127.0.0.1; the limits have their own spec).
 */
export const testDefaults = {
  POPCORN_ADMIN_PASSWORD: testAdminPassword,
  POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: '1000000',
  POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: '1000000',
}

/** The admin, with the password (the tests' own unless told another; `null`: none, as a stranger). */
export const admin = (url: string, password: string | null = testAdminPassword) => {
  const headers: Record<string, string> = password === null ? {} : { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` }
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) })
    const text = await response.text()
    return { status: response.status, body: (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text, headers: response.headers }
  }
  return {
    call,
    set: (showtimeId: string, change: unknown) => call('PUT', `/api/admin/waiting-rooms/${showtimeId}`, change),
    rooms: async () => (await call('GET', '/api/admin/waiting-rooms')).body as {
      capacityPerSecond: number
      rooms: { showtimeId: string; mode: string; active: boolean; waiting: number; ratePerSecond: number; fixedRatePerSecond: number | null; arrivalsPerSecond: number; capacityPerSecond: number }[]
    },
  }
}
