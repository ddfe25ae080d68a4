import { createSigner, createVerifier, TokenError } from 'fast-jwt'
import { z } from 'zod'
import { siteSecret } from '../../adapters/db/secrets.ts'
import type { Database } from '../../messaging/sql.ts'
import { HttpError } from '../../web/errors.ts'

/** What a place token says: whose place, in which room, under which number. Signed (HS256), so nobody makes one up. */
export interface PlaceClaims {
  readonly showtimeId: string
  readonly place: number
  readonly browserSession: string
}

const issuer = 'popcorn'
const audience = 'waiting-room'
const claimsSchema = z.object({ showtimeId: z.string().min(1).max(80), place: z.number().int().min(1), session: z.uuid() })

const invalid = (why: string) => new HttpError('PLACE_TOKEN_INVALID', `that place token is not valid (${why}); join the waiting room again`)

/**
 * Signing and checking with one key, made once. fast-jwt computes the HMAC with node:crypto: a burst signs a token
 * per join and checks one per order, and through WebCrypto (jose) a pair cost 0.36 ms of a web node's CPU, the key
 * imported again each time — seconds of a flash sale's eight thousand joins.
 */
const withKey = (key: string) => ({
  // iat and exp come with the claims, from the injected clock.
  sign: createSigner({ key, algorithm: 'HS256', iss: issuer, aud: audience }),
  // Expiry is checked against the injected clock below, not the verifier's own.
  verify: createVerifier({ key, algorithms: ['HS256'], allowedIss: issuer, allowedAud: audience, requiredClaims: ['iat', 'exp'], ignoreExpiration: true, ignoreNotBefore: true }),
})

export const placeTokens = (deps: { readonly db: Database; readonly secret?: string | undefined; readonly ttlMs: number }) => {
  let keyed: Promise<ReturnType<typeof withKey>> | undefined
  const tools = () => {
    if (!keyed) {
      keyed = siteSecret(deps.db, 'place-token', deps.secret).then(withKey)
      keyed.catch(() => { keyed = undefined }) // a database hiccup: ask again next time
    }
    return keyed
  }
  return {
    ttlMs: deps.ttlMs,

    async sign(claims: PlaceClaims, now: Date): Promise<string> {
      const issuedAt = Math.floor(now.getTime() / 1000)
      const { sign } = await tools()
      return sign({ showtimeId: claims.showtimeId, place: claims.place, session: claims.browserSession, iat: issuedAt, exp: issuedAt + Math.floor(deps.ttlMs / 1000) })
    },

    /** The claims of a token this system signed and that has not run out; a clear error code otherwise. */
    async verify(token: string, now: Date): Promise<PlaceClaims> {
      const { verify } = await tools()
      let payload: { exp?: unknown }
      try {
        payload = verify(token) as { exp?: unknown }
      } catch (error) {
        if (!(error instanceof TokenError)) throw error
        throw invalid(error.code === TokenError.codes.invalidSignature ? 'not signed by Popcorn' : error.code)
      }
      if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now.getTime()) {
        throw new HttpError('PLACE_TOKEN_EXPIRED', 'that place token has run out; join the waiting room again')
      }
      const claims = claimsSchema.safeParse(payload)
      if (!claims.success) throw invalid('unexpected claims')
      return { showtimeId: claims.data.showtimeId, place: claims.data.place, browserSession: claims.data.session }
    },
  }
}

export type PlaceTokens = ReturnType<typeof placeTokens>
