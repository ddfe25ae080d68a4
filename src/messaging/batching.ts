import type { Delivery } from './transport.ts'

export interface BatchingOptions {
  /** Most messages in one batch (one transaction). */
  readonly size: number
  /** Batches handled at once; 1 keeps arrival order (a partition's single writer). */
  readonly parallel: number
}

/**
 * A consumer that batches: the transport hands deliveries over one by one, and whatever has arrived while the
 * previous batch was being handled becomes the next batch — so under load batches grow (group commit), and alone a
 * message is handled at once. Each delivery's promise settles when its batch has.
 */
export const batching = (options: BatchingOptions, handle: (batch: Delivery[]) => Promise<void>) => {
  const pending: { readonly delivery: Delivery; readonly done: () => void }[] = []
  let running = 0
  let scheduled = false

  const pump = () => {
    scheduled = false
    while (running < options.parallel && pending.length > 0) {
      const taken = pending.splice(0, options.size)
      running++
      void handle(taken.map((p) => p.delivery)).finally(() => {
        running--
        for (const p of taken) p.done()
        pump()
      })
    }
  }

  return (delivery: Delivery) =>
    new Promise<void>((resolve) => {
      pending.push({ delivery, done: resolve })
      // After the current turn, so that every delivery a transport hands over at once joins the same batch.
      if (!scheduled && running < options.parallel) {
        scheduled = true
        setImmediate(pump)
      }
    })
}
