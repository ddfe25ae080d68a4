import type { MigrationSource } from '../adapters/db/migrate.ts'
import type { EndpointDefinition } from '../messaging/endpoint.ts'
import type { MessageDefinition } from '../messaging/message.ts'

/** What a bounded context plugs into a process. The composition root lists them; nothing else does. */
export interface ContextModule {
  readonly name: string
  /** Its public contract: the messages other contexts may send, publish or handle. */
  readonly messages: readonly MessageDefinition[]
  /** Its tables, in its own schema. */
  readonly migrations?: MigrationSource
  /** Its back end: runs in `popcorn worker` (and in `npm start`). */
  readonly endpoint?: EndpointDefinition
}

/** Contexts with a back end. Ops (the error queue API) is wired in the web app; it has no endpoint of its own yet. */
export const contexts: readonly ContextModule[] = []
