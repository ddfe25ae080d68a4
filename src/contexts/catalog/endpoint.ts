import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { projectChange } from './changes.ts'
import { ProjectCatalog } from './messages.ts'

/** The catalog's back end: the shared tables (what every public page reads) take in the admins' changes. */
export const catalogEndpoint = defineEndpoint({
  name: 'catalog',
  handlers: [handle(ProjectCatalog, ({ changeId }, ctx) => projectChange(ctx.tx, changeId, ctx.now))],
})
