import type { Sql } from '../../messaging/sql.ts'
import type { PaymentState, RefundReason } from './payment.decider.ts'

interface Row {
  status: PaymentState['status']
  payment_id: string | null
  amount_cents: number | null
  refund_reason: RefundReason | null
}

const stateOf = (row: Row): PaymentState => {
  switch (row.status) {
    case 'none': return { status: 'none' }
    case 'captured': return { status: 'captured', paymentId: row.payment_id!, amountCents: row.amount_cents! }
    case 'refund-owed': return { status: 'refund-owed', reason: row.refund_reason! }
    case 'refunded': return { status: 'refunded', paymentId: row.payment_id!, amountCents: row.amount_cents!, reason: row.refund_reason! }
  }
}

/**
 * The orders' payments, locked until the transaction ends, in one statement: each order's state by its id. The insert
 * of a first, empty payment meets the row a concurrent first insert committed, and `on conflict do update` locks the
 * latest committed version and returns it, so a capture and a refund of one order see each other's effect. The
 * orders must be distinct (one statement cannot lock what it inserted itself).
 */
export const lockPayments = async (sql: Sql, orders: readonly { readonly orderId: string; readonly showtimeId: string }[]): Promise<Map<string, PaymentState>> => {
  const { rows } = await sql.query<Row & { order_id: string }>(
    `insert into billing.payments (order_id, showtime_id, status)
     select o.order_id, o.showtime_id, 'none' from unnest($1::uuid[], $2::text[]) as o(order_id, showtime_id)
     on conflict (order_id) do update set order_id = excluded.order_id
     returning order_id::text, status, payment_id, amount_cents, refund_reason`,
    [orders.map((o) => o.orderId), orders.map((o) => o.showtimeId)])
  return new Map(rows.map((row) => [row.order_id, stateOf(row)]))
}

/** Captures written in one statement, however many. */
export const recordCaptures = async (sql: Sql, captures: readonly { orderId: string; paymentId: string; amountCents: number; reference: string; at: Date }[]) => {
  if (captures.length === 0) return
  await sql.query(
    `update billing.payments p set status = 'captured', payment_id = c."paymentId", amount_cents = c."amountCents", capture_reference = c.reference, captured_at = c.at
     from json_to_recordset($1::json) as c("orderId" uuid, "paymentId" uuid, "amountCents" int, reference text, at timestamptz)
     where p.order_id = c."orderId"`,
    [JSON.stringify(captures)])
}

export const recordRefundOwed = (sql: Sql, orderId: string, owed: { reason: RefundReason; at: Date }) =>
  sql.query(`update billing.payments set status = 'refund-owed', refund_reason = $2, refund_owed_since = $3 where order_id = $1`, [orderId, owed.reason, owed.at])

export const recordRefund = (sql: Sql, orderId: string, refund: { reason: RefundReason; reference: string; at: Date }) =>
  sql.query(
    `update billing.payments set status = 'refunded', refund_reason = $2, refund_reference = $3, refunded_at = $4 where order_id = $1`,
    [orderId, refund.reason, refund.reference, refund.at])

export interface Payment {
  readonly orderId: string
  readonly showtimeId: string
  readonly status: Exclude<PaymentState['status'], 'none'>
  readonly paymentId: string | null
  readonly amountCents: number | null
  readonly capturedAt: string | null
  readonly refundReason: RefundReason | null
  readonly refundOwedSince: string | null
  readonly refundedAt: string | null
  readonly operations: readonly { readonly kind: 'capture' | 'refund'; readonly reference: string; readonly amountCents: number; readonly at: string }[]
}

const iso = (at: Date | string | null) => (at === null ? null : new Date(at).toISOString())

/** An order's payment as the ledger has it, with what the provider was asked to do; none for an order never paid. */
export const paymentOf = async (sql: Sql, orderId: string): Promise<Payment | undefined> => {
  const [row] = (await sql.query<{
    showtime_id: string; status: Payment['status'] | 'none'; payment_id: string | null; amount_cents: number | null; captured_at: Date | null
    refund_reason: RefundReason | null; refund_owed_since: Date | null; refunded_at: Date | null
  }>(`select * from billing.payments where order_id = $1 and status <> 'none'`, [orderId])).rows
  if (!row || row.status === 'none') return undefined
  const operations = (await sql.query<{ kind: 'capture' | 'refund'; reference: string; amount_cents: number; at: Date }>(
    'select kind, reference, amount_cents, at from billing.provider_operations where order_id = $1 order by at, kind', [orderId])).rows
  return {
    orderId, showtimeId: row.showtime_id, status: row.status, paymentId: row.payment_id, amountCents: row.amount_cents,
    capturedAt: iso(row.captured_at), refundReason: row.refund_reason, refundOwedSince: iso(row.refund_owed_since), refundedAt: iso(row.refunded_at),
    operations: operations.map((o) => ({ kind: o.kind, reference: o.reference, amountCents: o.amount_cents, at: iso(o.at)! })),
  }
}
