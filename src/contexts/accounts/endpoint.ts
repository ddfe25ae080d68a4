import { defineEndpoint } from '../../messaging/endpoint.ts'
import { handle } from '../../messaging/handler.ts'
import { ProjectAccount } from './messages.ts'
import { projectAccount } from './profile.ts'

/** Accounts' back end: the shared view of each account, kept up with its stream. */
export const accountsEndpoint = defineEndpoint({
  name: 'accounts',
  handlers: [handle(ProjectAccount, ({ accountId, version }, ctx) => projectAccount(ctx.tx, accountId, version, ctx.now))],
})
