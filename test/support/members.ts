import assert from 'node:assert/strict'
import { eventually } from './eventually.ts'
import type { PopcornNode } from './popcorn-node.ts'
import { visitor, type Visitor } from './visitor.ts'

/**
 * A person with a confirmed account, logged in (the node runs accounts and notifications with the dev mailbox):
 * registered, confirmed by the link in their e-mail, logged in, and named when a name is given.
 */
export const member = async (node: PopcornNode, email: string, displayName?: string, password = 'popcorn-2026!'): Promise<Visitor> => {
  const who = visitor(node.url)
  assert.equal((await who.submit('/account/register', { email, password })).status, 201, `registered ${email}`)
  const link = await eventually(async () => {
    const { rows } = await node.world.db.query<{ text: string }>(
      `select text_body as text from notifications.mailbox where lower(to_address) = lower($1) and kind = 'verification' order by sent_at desc`, [email])
    const found = /https?:\/\/\S+\/account\/verify\/[\w-]{43}/.exec(rows[0]?.text ?? '')?.[0]
    assert.ok(found, `a verification e-mail to ${email}`)
    return new URL(found).pathname
  }, { what: `the verification e-mail to ${email}` })
  assert.equal((await who.submit(link, {})).status, 200, `confirmed ${email}`)
  assert.equal((await who.submit('/account/login', { email, password })).status, 303, `logged in ${email}`)
  if (displayName) assert.equal((await who.submit('/account/profile', { displayName })).status, 303, `named ${email}`)
  return who
}
