import type { Sql } from '../../messaging/sql.ts'
import type { BooksTable } from '../index.ts'

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`

/** Billing's part of ops' books, per showing: payments captured, refunded and owed, and their sums. */
export const billingBooks = async (sql: Sql): Promise<BooksTable> => {
  const { rows } = await sql.query<{ showtimeId: string; captured: number; capturedCents: number; refunded: number; refundedCents: number; owed: number }>(
    `select showtime_id as "showtimeId",
       count(*) filter (where status in ('captured', 'refund-owed', 'refunded'))::int as captured,
       coalesce(sum(amount_cents) filter (where status in ('captured', 'refund-owed', 'refunded')), 0)::int as "capturedCents",
       count(*) filter (where status = 'refunded')::int as refunded,
       coalesce(sum(amount_cents) filter (where status = 'refunded'), 0)::int as "refundedCents",
       count(*) filter (where status = 'refund-owed')::int as owed
     from billing.payments group by showtime_id`)
  return {
    title: 'Billing',
    columns: ['Payments captured', 'Captured', 'Refunded', 'Refunds owed'],
    rows: rows.map((r) => ({ showtimeId: r.showtimeId, cells: [r.captured, euros(r.capturedCents), `${r.refunded} (${euros(r.refundedCents)})`, r.owed] })),
  }
}

/** A showing's payments, newest first. */
export const paymentsBook = async (sql: Sql, showtimeId: string): Promise<BooksTable> => {
  const { rows } = await sql.query<{ orderId: string; status: string; amountCents: number | null; capturedAt: Date | null; refundedAt: Date | null }>(
    `select order_id::text as "orderId", status, amount_cents as "amountCents", captured_at as "capturedAt", refunded_at as "refundedAt"
     from billing.payments where showtime_id = $1 order by captured_at desc nulls last limit 500`, [showtimeId])
  return {
    title: 'Payments (at most 500)',
    columns: ['Order (its conversation)', 'Status', 'Amount', 'Captured', 'Refunded'],
    rows: rows.map((r) => ({ showtimeId, cells: [r.orderId, r.status, r.amountCents === null ? '' : euros(r.amountCents), r.capturedAt ? new Date(r.capturedAt).toISOString() : '', r.refundedAt ? new Date(r.refundedAt).toISOString() : ''] })),
  }
}
