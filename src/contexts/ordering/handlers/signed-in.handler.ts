import { handle } from '../../../messaging/handler.ts'
import { SignedIn } from '../../accounts/messages.ts'
import { attachOrdersOfSession } from '../orders.ts'

/** A browser session logged in: the orders it placed before, no one's yet, are the account's from now on. */
export const signedIn = handle(SignedIn, async ({ accountId, browserSession }, ctx) => {
  await attachOrdersOfSession(ctx.tx, browserSession, accountId)
})
