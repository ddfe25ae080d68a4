import type { Sql } from '../../../messaging/sql.ts'

/** What the profile tells a customer: that it is working on it, that they are unsubscribed, or that they still are. */
export type Told = 'working-on-it' | 'unsubscribed' | 'still-subscribed'

export const tell = (tx: Sql, runId: string, customer: number, told: Told, at: Date) =>
  tx.query('update lab_profile.customers set told = $3, told_at = $4 where run_id = $1 and customer = $2', [runId, customer, told, at])
