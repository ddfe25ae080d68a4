import { parse as parseCookies } from 'cookie'
import { HttpError } from './errors.ts'

/**
 * The port between ordering and whatever controls admission in front of it (the waiting room): ordering asks,
 * before it stores an order, whether this browser may order this showtime now. Refuses by throwing an HttpError.
 */
export interface Admission {
  check(input: { readonly showtimeId: string; readonly browserSession: string; readonly placeToken?: string | undefined }): Promise<void>
}

/** For apps built without a waiting room (tests of other contexts): everyone may order. */
export const admitEveryone: Admission = { check: async () => {} }

/** The cookie a waiting room keeps a browser's place token in, one per showtime (ids are lowercase slugs). */
export const placeCookie = (showtimeId: string) => `popcorn_place_${showtimeId}`

export const placeTokenFromCookies = (cookieHeader: string | undefined, showtimeId: string): string | undefined =>
  parseCookies(cookieHeader ?? '')[placeCookie(showtimeId)]

/**
 * An order posted by a form (no script) carries no place token of its own: it takes the one the waiting room left
 * in its cookie. What is not an object is left as it is, for validation to refuse.
 */
export const withPlaceCookie = (body: unknown, cookieHeader: string | undefined): unknown => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body
  const order = body as Record<string, unknown>
  if (order.placeToken !== undefined || typeof order.showtimeId !== 'string') return body
  const placeToken = placeTokenFromCookies(cookieHeader, order.showtimeId)
  return placeToken ? { ...order, placeToken } : body
}

/** Where a refusal to order sends a person with a browser: the waiting room it names, if any. */
export const waitingRoomUrlOf = (error: unknown): string | undefined => {
  if (!(error instanceof HttpError) || !['WAITING_ROOM', 'NOT_YOUR_TURN', 'PLACE_TOKEN_EXPIRED'].includes(error.code)) return undefined
  const url = (error.details as { url?: unknown } | undefined)?.url
  return typeof url === 'string' && url.startsWith('/waiting-room/') ? url : undefined
}
