import { createHash, randomBytes } from 'node:crypto'

/** A link's token: 32 random bytes, in the e-mail only; the account keeps its hash. */
export const newToken = (): { readonly token: string; readonly tokenHash: string } => {
  const token = randomBytes(32).toString('base64url')
  return { token, tokenHash: tokenHash(token) }
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url')

export const tokenPattern = /^[\w-]{43}$/

/** How long a link may be followed. */
export const linkLifetimeMs = { verify: 24 * 3_600_000, reset: 3_600_000 } as const
