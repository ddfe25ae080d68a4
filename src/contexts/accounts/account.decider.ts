/**
 * One person's account, as a stream of events. Registering issues a verification link; following it verifies the
 * address, once. A password reset issues a link of its own; following it sets a new password (and, since it came
 * through the mailbox, verifies the address too). A link is good once and until it expires; the newest link of a
 * purpose is the only good one. Tokens are known here only by their hash: the stream never holds a usable link.
 */

export type LinkPurpose = 'verify' | 'reset'

interface Link {
  readonly purpose: LinkPurpose
  readonly expiresAt: string
  readonly used: boolean
}

export type AccountState =
  | { readonly status: 'none' }
  | {
    readonly status: 'registered'
    readonly email: string
    readonly passwordHash: string
    readonly verified: boolean
    /** The name shown with what the person writes (reviews); empty until they choose one. */
    readonly displayName: string
    /** An admin: may change the catalog and use the staff's pages (granted by another admin). */
    readonly admin: boolean
    /** Every link issued, by token hash; the newest of each purpose is the one that counts. */
    readonly links: Readonly<Record<string, Link>>
    readonly newest: Readonly<Partial<Record<LinkPurpose, string>>>
  }

export type AccountCommand =
  | { readonly type: 'Register'; readonly data: { readonly email: string; readonly passwordHash: string; readonly tokenHash: string; readonly expiresAt: string } }
  | { readonly type: 'IssueLink'; readonly data: { readonly purpose: LinkPurpose; readonly tokenHash: string; readonly expiresAt: string } }
  | { readonly type: 'VerifyEmail'; readonly data: { readonly tokenHash: string; readonly now: string } }
  | { readonly type: 'ResetPassword'; readonly data: { readonly tokenHash: string; readonly passwordHash: string; readonly now: string } }
  | { readonly type: 'ChangeProfile'; readonly data: { readonly displayName: string } }
  | { readonly type: 'SetAdmin'; readonly data: { readonly admin: boolean; readonly by: string } }

export type AccountEvent =
  | { readonly type: 'AccountRegistered'; readonly data: { readonly email: string; readonly passwordHash: string } }
  | { readonly type: 'LinkIssued'; readonly data: { readonly purpose: LinkPurpose; readonly tokenHash: string; readonly expiresAt: string } }
  | { readonly type: 'EmailVerified'; readonly data: { readonly tokenHash: string } }
  | { readonly type: 'PasswordReset'; readonly data: { readonly tokenHash: string; readonly passwordHash: string } }
  | { readonly type: 'ProfileChanged'; readonly data: { readonly displayName: string } }
  /** `by`: the admin account that made the change, or `admin` (the site's admin password). */
  | { readonly type: 'AdminGranted'; readonly data: { readonly by: string } }
  | { readonly type: 'AdminRevoked'; readonly data: { readonly by: string } }

/** Why a command was refused, in the domain's words; the route says it to the person. */
export type AccountRefusal =
  | 'already-registered'
  | 'no-account'
  | 'already-verified'
  | 'link-unknown'
  | 'link-used'
  | 'link-expired'
  | 'link-superseded'
  | 'not-verified'

export type Decision = { readonly events: AccountEvent[] } | { readonly refused: AccountRefusal }

export const initialState = (): AccountState => ({ status: 'none' })

const unreachable = (value: never): never => {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}

type Registered = Extract<AccountState, { status: 'registered' }>

/** Whether a link may be followed now: known, of this purpose, the newest of it, not used, not expired. */
const linkProblem = (state: Registered, purpose: LinkPurpose, tokenHash: string, now: string): AccountRefusal | undefined => {
  const link = state.links[tokenHash]
  if (!link || link.purpose !== purpose) return 'link-unknown'
  if (link.used) return 'link-used'
  if (state.newest[purpose] !== tokenHash) return 'link-superseded'
  if (Date.parse(now) >= Date.parse(link.expiresAt)) return 'link-expired'
  return undefined
}

export const decide = (command: AccountCommand, state: AccountState): Decision => {
  switch (command.type) {
    case 'Register': {
      if (state.status !== 'none') return { refused: 'already-registered' }
      const { email, passwordHash, tokenHash, expiresAt } = command.data
      return { events: [
        { type: 'AccountRegistered', data: { email, passwordHash } },
        { type: 'LinkIssued', data: { purpose: 'verify', tokenHash, expiresAt } },
      ] }
    }
    case 'IssueLink': {
      if (state.status === 'none') return { refused: 'no-account' }
      if (command.data.purpose === 'verify' && state.verified) return { refused: 'already-verified' }
      return { events: [{ type: 'LinkIssued', data: command.data }] }
    }
    case 'VerifyEmail': {
      if (state.status === 'none') return { refused: 'link-unknown' }
      const problem = linkProblem(state, 'verify', command.data.tokenHash, command.data.now)
      // Any of its links, followed again (or after a reset confirmed the address), says it is confirmed: nothing to do.
      if (state.verified && problem !== 'link-unknown') return { refused: 'already-verified' }
      if (problem) return { refused: problem }
      return { events: [{ type: 'EmailVerified', data: { tokenHash: command.data.tokenHash } }] }
    }
    case 'ResetPassword': {
      if (state.status === 'none') return { refused: 'link-unknown' }
      const problem = linkProblem(state, 'reset', command.data.tokenHash, command.data.now)
      if (problem) return { refused: problem }
      return { events: [{ type: 'PasswordReset', data: { tokenHash: command.data.tokenHash, passwordHash: command.data.passwordHash } }] }
    }
    case 'ChangeProfile': {
      if (state.status === 'none') return { refused: 'no-account' }
      // Saving what is there already is no change: nothing to tell anyone.
      return state.displayName === command.data.displayName ? { events: [] } : { events: [{ type: 'ProfileChanged', data: command.data }] }
    }
    case 'SetAdmin': {
      if (state.status === 'none') return { refused: 'no-account' }
      // An admin's address must be theirs: the role goes only to a confirmed one.
      if (command.data.admin && !state.verified) return { refused: 'not-verified' }
      if (state.admin === command.data.admin) return { events: [] }
      return { events: [{ type: command.data.admin ? 'AdminGranted' : 'AdminRevoked', data: { by: command.data.by } }] }
    }
    default: return unreachable(command)
  }
}

const useLink = (state: Registered, tokenHash: string): Registered['links'] =>
  ({ ...state.links, [tokenHash]: { ...state.links[tokenHash]!, used: true } })

export const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  switch (event.type) {
    case 'AccountRegistered':
      return { status: 'registered', email: event.data.email, passwordHash: event.data.passwordHash, verified: false, displayName: '', admin: false, links: {}, newest: {} }
    case 'LinkIssued': {
      if (state.status !== 'registered') return state
      const { purpose, tokenHash, expiresAt } = event.data
      return { ...state, links: { ...state.links, [tokenHash]: { purpose, expiresAt, used: false } }, newest: { ...state.newest, [purpose]: tokenHash } }
    }
    case 'EmailVerified':
      return state.status === 'registered' ? { ...state, verified: true, links: useLink(state, event.data.tokenHash) } : state
    case 'PasswordReset':
      // The link came through the mailbox: the address is the person's.
      return state.status === 'registered'
        ? { ...state, passwordHash: event.data.passwordHash, verified: true, links: useLink(state, event.data.tokenHash) }
        : state
    case 'ProfileChanged':
      return state.status === 'registered' ? { ...state, displayName: event.data.displayName } : state
    case 'AdminGranted':
    case 'AdminRevoked':
      return state.status === 'registered' ? { ...state, admin: event.type === 'AdminGranted' } : state
    default: return unreachable(event)
  }
}
