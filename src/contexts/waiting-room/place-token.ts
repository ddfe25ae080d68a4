import { randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
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

const stored = new WeakMap<Database, Promise<Uint8Array>>()

/** Every web node signs with the same key: the configured secret, or one made once and kept in the database. */
const storedKey = (db: Database): Promise<Uint8Array> => {
  let key = stored.get(db)
  if (!key) {
    key = (async () => {
      await db.query(`insert into waiting_room.secrets (name, value) values ('place-token', $1) on conflict (name) do nothing`, [randomBytes(48).toString('base64url')])
      const { rows } = await db.query<{ value: string }>(`select value from waiting_room.secrets where name = 'place-token'`)
      return new TextEncoder().encode(rows[0]!.value)
    })()
    key.catch(() => stored.delete(db)) // a database hiccup: ask again next time
    stored.set(db, key)
  }
  return key
}

const invalid = (why: string) => new HttpError('PLACE_TOKEN_INVALID', `that place token is not valid (${why}); join the waiting room again`)

export const placeTokens = (deps: { readonly db: Database; readonly secret?: string | undefined; readonly ttlMs: number }) => {
  const keyOf = (): Promise<Uint8Array> => (deps.secret ? Promise.resolve(new TextEncoder().encode(deps.secret)) : storedKey(deps.db))
  return {
    ttlMs: deps.ttlMs,

    async sign(claims: PlaceClaims, now: Date): Promise<string> {
      const issuedAt = Math.floor(now.getTime() / 1000)
      return new SignJWT({ showtimeId: claims.showtimeId, place: claims.place, session: claims.browserSession })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + Math.floor(deps.ttlMs / 1000))
        .sign(await keyOf())
    },

    /** The claims of a token this system signed and that has not run out; a clear error code otherwise. */
    async verify(token: string, now: Date): Promise<PlaceClaims> {
      let payload: unknown
      try {
        ({ payload } = await jwtVerify(token, await keyOf(), { algorithms: ['HS256'], issuer, audience, currentDate: now, requiredClaims: ['iat', 'exp'] }))
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new HttpError('PLACE_TOKEN_EXPIRED', 'that place token has run out; join the waiting room again')
        if (error instanceof errors.JOSEError) throw invalid(error instanceof errors.JWSSignatureVerificationFailed ? 'not signed by Popcorn' : error.code)
        throw error
      }
      const claims = claimsSchema.safeParse(payload)
      if (!claims.success) throw invalid('unexpected claims')
      return { showtimeId: claims.data.showtimeId, place: claims.data.place, browserSession: claims.data.session }
    },
  }
}

export type PlaceTokens = ReturnType<typeof placeTokens>
