import { randomUUID } from 'node:crypto'
import type { Sql } from '../../messaging/sql.ts'
import type { PaymentProvider } from './provider.ts'

type Operation = { readonly paymentId: string; readonly orderId: string; readonly amountCents: number; readonly at: Date }

/** The dev adapter: no real money moves; each capture and refund is recorded once per payment in billing's own table. */
export const devProvider = (tx: Sql): PaymentProvider => {
  /** One statement for one operation or a batch; a payment's operation of a kind done before keeps its first reference. */
  const recordAll = async (kind: 'capture' | 'refund', operations: readonly Operation[]) => {
    if (operations.length === 0) return []
    const { rows } = await tx.query<{ paymentId: string; reference: string }>(
      `insert into billing.provider_operations (reference, kind, payment_id, order_id, amount_cents, at)
       select o.reference, $2, o."paymentId", o."orderId", o."amountCents", o.at
       from json_to_recordset($1::json) as o(reference text, "paymentId" uuid, "orderId" uuid, "amountCents" int, at timestamptz)
       on conflict (payment_id, kind) do update set kind = excluded.kind
       returning payment_id::text as "paymentId", reference`,
      [JSON.stringify(operations.map((o) => ({ ...o, reference: `dev_${kind}_${randomUUID()}` }))), kind])
    const byPayment = new Map(rows.map((row) => [row.paymentId, row.reference]))
    return operations.map((o) => ({ reference: byPayment.get(o.paymentId)! }))
  }
  const record = async (kind: 'capture' | 'refund', operation: Operation) => (await recordAll(kind, [operation]))[0]!
  return { capture: (operation) => record('capture', operation), refund: (operation) => record('refund', operation), captureAll: (operations) => recordAll('capture', operations) }
}
