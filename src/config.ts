import { z } from 'zod'
import { trustedProxies } from './web/client-address.ts'
import { bundleCeiling, defaultBundleLimits } from './messaging/bundle.ts'

const number = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const millisecondsList = z
  .string()
  .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, 'a comma-separated list of milliseconds, e.g. 1000,5000,30000')
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean).map(Number))

/** Everything a Popcorn process reads from its environment, checked before anything starts. */
const schema = z.object({
  PORT: number(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `postgres://…` for PostgreSQL; otherwise the folder PGlite keeps its data in. */
  POPCORN_DATABASE_URL: z.string().min(1).default('./data'),
  /** `amqp://…` runs the RabbitMQ transport; unset, messages travel in a queue in the database. */
  POPCORN_BROKER_URL: z.string().regex(/^amqps?:\/\/.+/, 'must start with amqp:// or amqps://').optional(),
  POPCORN_BROKER_NAMESPACE: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'lower-case letters, digits and dashes').default('popcorn'),
  /** Where people reach the site, for the links in e-mails (verify an address, reset a password); unset, http://HOST:PORT. */
  POPCORN_PUBLIC_URL: z.url({ protocol: /^https?$/ }).max(200).optional(),
  POPCORN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Batches each endpoint handles at once in this process; unset: 8 on PostgreSQL, 1 on PGlite (see busSettingsOf). */
  POPCORN_CONCURRENCY: number(1, 256).optional(),
  /** Most messages a consumer handles in one transaction (a partition's writer: one batch at a time). */
  POPCORN_BATCH_SIZE: number(1, 5_000).default(256),
  /** Most messages one transaction sends to one queue or topic as one bundle (one row, one broker message); 1: each alone. */
  POPCORN_BUNDLE_SIZE: number(1, bundleCeiling.maxMessages).default(defaultBundleLimits.maxMessages),
  POPCORN_IMMEDIATE_RETRIES: number(0, 10).default(2),
  POPCORN_DELAYED_RETRIES_MS: millisecondsList.default([1_000, 5_000, 30_000]),
  /** A web node's order submissions and waiting-room joins arriving within this many milliseconds share one transaction; 0: each its own. */
  POPCORN_GROUP_COMMIT_MS: number(0, 1_000).default(2),
  /** A group this large commits at once, without waiting for its window to close; 1: each its own. */
  POPCORN_GROUP_COMMIT_MAX: number(1, 10_000).default(200),
  POPCORN_MAX_BODY_BYTES: number(1_024, 4 * 1024 * 1024).default(64 * 1024),
  /** A database-queue message claimed by a process that then died is redelivered after this long. */
  POPCORN_LEASE_MS: number(500, 3_600_000).default(30_000),
  /** The drawing waits this long after its drawing date before it draws: entries accepted just before may be in flight. */
  POPCORN_DRAWING_GRACE_MS: number(0, 24 * 3_600_000).default(120_000),
  /** Signs browser sessions and place tokens (a key of its own for each); unset, random keys are made once and kept in the database, shared by every web node. */
  POPCORN_SECRET: z.string().min(32, 'at least 32 characters').max(512).optional(),
  /**
   * Every admin page and route (ops, admin, the dev mailbox) asks for it: basic auth, user "admin". Unset, they are
   * closed; `npm start` (the embedded shape, for trying Popcorn out) then makes one at random and logs it.
   */
  POPCORN_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').max(200).optional(),
  /**
   * The dev mailbox (`/mailbox`: every e-mail the system sent, for admins): a development tool, so off unless
   * switched on; `npm start` switches it on unless told `off`.
   */
  POPCORN_DEV_MAILBOX: z.enum(['on', 'off'], 'on or off').optional(),
  /**
   * Fault injection (ops delays, fails or pauses an endpoint on purpose, to watch the system break and heal): a
   * teaching and testing tool, so off unless switched on; off, faults cannot be set and are never read. `npm start`
   * (the shape for trying Popcorn out) switches it on unless told `off`, as it does the dev mailbox.
   */
  POPCORN_FAULTS: z.enum(['on', 'off'], 'on or off').optional(),
  /**
   * A port of its own for `/metrics` (admins: basic auth with POPCORN_ADMIN_PASSWORD), for a worker, which serves no
   * pages and whose counters are its own; unset, none (a web node serves /metrics on its own port anyway).
   */
  POPCORN_METRICS_PORT: number(0, 65_535).optional(),
  /** Where ops' alerts are e-mailed (the dev mailbox shows them): a threshold crossed, and cleared again. */
  POPCORN_OPS_EMAIL: z.email().max(200).default('ops@popcorn.example'),
  /** How often a process that runs the back end checks the alerts' thresholds. */
  POPCORN_ALERTS_EVERY_MS: number(1_000, 3_600_000).default(15_000),
  /**
   * The proxies in front of the web nodes whose X-Forwarded-For names the client (addresses, CIDR ranges, or
   * loopback / linklocal / uniquelocal, comma separated); unset, none: the peer's address is the client's.
   */
  POPCORN_TRUST_PROXY: z.string().max(2_000).optional().refine((list) => {
    if (!list) return true
    try {
      trustedProxies(list)
      return true
    } catch {
      return false
    }
  }, 'addresses, CIDR ranges, loopback, linklocal or uniquelocal, comma separated'),
  /** Orders one client address may place per minute (per web node): a script from one address is slowed down. */
  POPCORN_ORDERS_PER_ADDRESS_PER_MINUTE: number(1, 10_000_000).default(120),
  /** Orders for one e-mail address per minute (per web node), whichever browser or address they come from. */
  POPCORN_ORDERS_PER_EMAIL_PER_MINUTE: number(1, 10_000_000).default(20),
  /** Joins of a waiting room one client address may make per minute (per web node); a flood beyond waits. */
  POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: number(1, 10_000_000).default(30),
  /** How long a place that was let through may order, before its turn has passed. */
  POPCORN_WAITING_ROOM_ADMISSION_MINUTES: number(1, 24 * 60).default(10),
  /** People per second the workers are assumed to take at least: an idle system does not queue a lone visitor. */
  POPCORN_WAITING_ROOM_MIN_CAPACITY: number(1, 1_000_000).default(20),
  /** The room's outflow is cut while the orders it let through wait longer than this for their writer (90th percentile). */
  POPCORN_WAITING_ROOM_TARGET_WAIT_MS: number(10, 60_000).default(500),
  /** Once the writers have fallen behind, the room's outflow probes upward by this many people per second, each second. */
  POPCORN_WAITING_ROOM_PROBE_PER_SECOND: number(1, 1_000_000).default(50),
  /** How often each web node moves its waiting rooms on and tells the people watching. */
  POPCORN_WAITING_ROOM_TICK_MS: number(50, 10_000).default(1_000),
})

export type Config = z.infer<typeof schema>

/**
 * The site's address as people reach it, without a trailing slash: the base of every link in an e-mail. Unset, the
 * address the process listens on (`port`: the one it got, when PORT=0 asked for any).
 */
export const publicUrlOf = (config: Pick<Config, 'POPCORN_PUBLIC_URL' | 'HOST' | 'PORT'>, port: number = config.PORT) =>
  (config.POPCORN_PUBLIC_URL ?? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`).replace(/\/+$/, '')

/** Never echoed back in an error: a wrong secret is still somebody's secret. */
const secretSettings = new Set(['POPCORN_SECRET', 'POPCORN_ADMIN_PASSWORD'])

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const relevant = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]))
  const parsed = schema.safeParse(relevant)
  if (!parsed.success) {
    const shown = (key: string) => (secretSettings.has(key) ? '(hidden)' : JSON.stringify(relevant[key]))
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}=${shown(String(issue.path[0]))}: ${issue.message}`)
    throw new ConfigError(`Popcorn cannot start; fix these settings:\n${lines.join('\n')}`)
  }
  return parsed.data
}
