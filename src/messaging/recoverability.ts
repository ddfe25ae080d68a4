import { z } from 'zod'

/** How hard an endpoint tries before a message goes to the error queue. Configuration, not handler code. */
export const recoverabilitySchema = z.object({
  immediateRetries: z.number().int().min(0).max(10),
  /** The back-off before each round of delayed retries, in milliseconds; its length is the number of rounds. */
  delayedRetries: z.array(z.number().int().min(0).max(24 * 3600 * 1000)).max(10),
  /** A message delivered more often than this without being settled (it kills its process) is dead-lettered. */
  maxDeliveries: z.number().int().min(1),
})

export type RecoverabilityPolicy = z.infer<typeof recoverabilitySchema>

export const defaultRecoverability: RecoverabilityPolicy = {
  immediateRetries: 2,
  delayedRetries: [1_000, 5_000, 30_000],
  maxDeliveries: 10,
}
