import { createHash } from 'node:crypto'
import type { Sql } from '../../messaging/sql.ts'

/**
 * Who a buyer is, for a showing's per-buyer cap: their e-mail address, normalised so that aliases of one mailbox
 * count as one (case, a `+tag`, and Gmail's ignored dots), and their browser session. An order counts against both
 * keys, and the more a buyer holds under either is what they hold.
 */
export const normalisedEmail = (email: string): string => {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).trim().toLowerCase()
  let local = email.slice(0, at).trim().toLowerCase().replace(/\+.*$/, '')
  if (domain === 'gmail.com' || domain === 'googlemail.com') local = local.replaceAll('.', '')
  return `${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22)

export const buyerKeys = (email: string, browserSession: string | null | undefined): string[] =>
  [`e:${digest(normalisedEmail(email))}`, ...(browserSession ? [`s:${digest(browserSession)}`] : [])]

/**
 * The keys an order counts against on its showing: one holder per buyer key. A holder key is the showtime id and
 * the buyer key with a space between (neither holds one); only this module builds or reads it.
 */
export const holderKeys = (showtimeId: string, email: string, browserSession: string | null | undefined): string[] =>
  buyerKeys(email, browserSession).map((buyer) => `${showtimeId} ${buyer}`)

const holderOf = (key: string) => {
  const space = key.indexOf(' ')
  return { showtimeId: key.slice(0, space), buyer: key.slice(space + 1) }
}

/** What each holder holds, for the holder keys asked (none held: absent): one statement. */
export const heldTickets = async (sql: Sql, keys: Iterable<string>): Promise<Map<string, number>> => {
  const asked = [...new Set(keys)].map(holderOf)
  if (asked.length === 0) return new Map()
  const { rows } = await sql.query<{ showtimeId: string; buyer: string; tickets: number }>(
    `select h.showtime_id as "showtimeId", h.buyer, h.tickets from ordering.seat_holders h
     join unnest($1::text[], $2::text[]) as a(showtime_id, buyer) using (showtime_id, buyer)`,
    [asked.map((a) => a.showtimeId), asked.map((a) => a.buyer)],
  )
  return new Map(rows.map((r) => [`${r.showtimeId} ${r.buyer}`, r.tickets]))
}

/** Adds a batch's reserved tickets to their holders (by holder key): one statement. */
export const addHeldTickets = async (sql: Sql, added: ReadonlyMap<string, number>): Promise<void> => {
  if (added.size === 0) return
  const holders = [...added].map(([key, tickets]) => ({ ...holderOf(key), tickets }))
  await sql.query(
    `insert into ordering.seat_holders (showtime_id, buyer, tickets) select * from unnest($1::text[], $2::text[], $3::int[])
     on conflict (showtime_id, buyer) do update set tickets = ordering.seat_holders.tickets + excluded.tickets`,
    [holders.map((h) => h.showtimeId), holders.map((h) => h.buyer), holders.map((h) => h.tickets)],
  )
}
