import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import type { MigrationSource } from '../adapters/db/migrate.ts'
import type { EndpointDefinition } from '../messaging/endpoint.ts'
import type { ErrorQueue } from '../messaging/failed-messages.ts'
import type { HandlerRegistration } from '../messaging/handler.ts'
import type { Admission } from '../web/admission.ts'
import type { Availability } from '../web/availability.ts'
import type { Identity } from '../web/identity.ts'
import type { GaugeReading } from '../adapters/metrics/prometheus.ts'
import type { BrowserSocket, Realtime } from '../web/realtime.ts'
import type { MessageDefinition } from '../messaging/message.ts'
import type { MessageSession } from '../messaging/session.ts'
import type { Database } from '../messaging/sql.ts'
import { ordering } from './ordering/index.ts'
import { notifications } from './notifications/index.ts'
import { catalog } from './catalog/index.ts'
import { billing } from './billing/index.ts'
import { ops } from './ops/index.ts'
import { waitingRoom } from './waiting-room/index.ts'
import { drawing } from './drawing/index.ts'
import { accounts } from './accounts/index.ts'
import { reviews } from './reviews/index.ts'
import { lab } from './lab/index.ts'
import { labProfile } from './lab/profile/index.ts'
import { labSupport } from './lab/support/index.ts'
import { labBilling } from './lab/billing/index.ts'

/** What a context's pages and routes get from the web process. */
export interface WebDeps {
  /** For the context's own queries (read models); pages never hold SQL themselves. */
  readonly db: Database
  /** Sends durably from the web process; replies come back to this web node. */
  readonly session: MessageSession
  readonly logger: Logger
  /** The process's settings, for the contexts that have some. */
  readonly config: Config
  /** Whether a browser may order a showtime now (the waiting room's gate; everyone, without one). */
  readonly admission: Admission
  /** Which showtimes ordering's view shows sold out (for the waiting room; every one may have seats, without it). */
  readonly availability?: Availability
  /** Who a request's or a socket's cookies log in (accounts); everyone is anonymous without it. */
  readonly identity?: Identity
  /** What ops reads beyond the database: the process's error queue, queue depths and the contexts' readings. */
  readonly ops?: OpsSources
}

/** A table of ops' books: columns, and the rows of each showing (by its id) or of one showing (`rows` in order). */
export interface BooksTable {
  readonly title: string
  readonly columns: readonly string[]
  readonly rows: readonly { readonly showtimeId: string; readonly cells: readonly (string | number)[] }[]
}

/** What the ops console reads of the running process, besides the tables every process shares. */
export interface OpsSources {
  readonly errors: ErrorQueue
  /** Messages waiting in these queues, as the transport tells. */
  readonly depths: (queues: readonly string[]) => Promise<Map<string, number>>
  /** Every context's gauges (projection lag among them), as `/metrics` serves them. */
  readonly readings: () => Promise<readonly GaugeReading[]>
  /** The books, per showing: each context's table of its own figures. */
  readonly books: () => Promise<readonly BooksTable[]>
  /** One showing's books: each context's table of it (ordering's seat stream, billing's payments). */
  readonly bookOf: (showtimeId: string) => Promise<readonly BooksTable[]>
}

/** What a context's back end gets when a process starts it (once, before its endpoint consumes). */
export interface StartDeps {
  readonly db: Database
  readonly session: MessageSession
}

/** What a context's background work gets, in a process that runs the back end. */
export interface BackgroundDeps {
  readonly db: Database
  readonly session: MessageSession
  readonly config: Config
  readonly logger: Logger
  readonly ops: OpsSources
  /** Where people reach the site (for links in e-mails). */
  readonly publicUrl: string
}

/** What a bounded context plugs into a process. The composition root lists them; nothing else does. */
export interface ContextModule {
  readonly name: string
  /** Its public contract: the messages other contexts may send, publish or handle. */
  readonly messages: readonly MessageDefinition[]
  /** Its tables, in its own schema. */
  readonly migrations?: MigrationSource
  /** Its back end: runs in `popcorn worker` (and in `npm start`). */
  readonly endpoint?: EndpointDefinition
  /** Work at start of a process that runs the back end, e.g. seeding data through the bus. Must be idempotent. */
  readonly onStart?: (deps: StartDeps) => Promise<void>
  /** Work it keeps doing in a process that runs the back end (ops checks its alerts): started once, stopped by what it returns. */
  readonly background?: (deps: BackgroundDeps) => () => Promise<void>
  /** Its pages and HTTP routes, as a fastify plugin. */
  readonly web?: (deps: WebDeps) => (app: FastifyInstance) => Promise<void>
  /** Events it takes from a browser's socket: called once per web node, then with each socket that connects. */
  readonly socket?: (deps: WebDeps) => (client: BrowserSocket) => void
  /** Admission control in front of ordering (the waiting room): at most one context provides it. */
  readonly admission?: (deps: Pick<WebDeps, 'db' | 'config' | 'logger' | 'availability'>) => Admission
  /** Who is logged in (accounts): at most one context provides it. */
  readonly identity?: (deps: Pick<WebDeps, 'db' | 'config'>) => Identity
  /** Which of its showtimes are sold out, as its writers last decided (ordering): at most one context provides it. */
  readonly availability?: (deps: Pick<WebDeps, 'db'>) => Availability
  /** Handlers on each web node's own queue: replies and events to push to the browsers it holds. */
  readonly webHandlers?: (deps: { readonly realtime: Realtime }) => readonly HandlerRegistration[]
  /**
   * Its web side made afresh for each web node, in place of `web`, `socket` and `webHandlers`: for state those share
   * that belongs to one node and no other (ordering's estimate of the seats its edge has promised).
   */
  readonly perWebNode?: () => WebSide
  /** Its part of ops' books, from its own tables: a table with a row per showing, and a showing's own table. */
  readonly books?: {
    readonly perShowing: (db: Database) => Promise<BooksTable>
    readonly ofShowing: (db: Database, showtimeId: string) => Promise<BooksTable>
  }
  /** What it reports when the metrics are scraped (`/metrics`): read from its tables, the same from every process. */
  readonly readings?: (db: Database, now: Date) => Promise<readonly GaugeReading[]>
}

/** What a context runs on each web node: routes and pages, socket events, handlers of the node's own queue. */
export type WebSide = Pick<ContextModule, 'web' | 'socket' | 'webHandlers'>

/** A context as one web node runs it: its per-node web side made, once for that node. */
export const onWebNode = (context: ContextModule): ContextModule =>
  context.perWebNode ? { ...context, ...context.perWebNode(), perWebNode: undefined } : context

/** Every context, in the order their migrations apply. */
export const contexts: readonly ContextModule[] = [catalog, ordering, billing, notifications, ops, waitingRoom, drawing, accounts, reviews,
  // The pattern lab: three small services of its own, and the harness that runs them side by side.
  labProfile, labSupport, labBilling, lab]
