/**
 * What the pipeline tells whoever watches it (the metrics, the ops console): a port, so the core imports no metrics
 * library. Each call is cheap and synchronous; a watcher that wants more does its own work later.
 */
export interface MessagingObserver {
  /** A batch was handled and committed in `processingMs`: these messages (each sent at `sentAt`) were handled in it. */
  handled(queue: string, processingMs: number, messages: readonly { readonly type: string; readonly sentAt: string }[]): void
  /** A handler failed on it, and it is to be tried again (at once, or after a back-off). */
  retried(queue: string, type: string): void
  /** It went to the error queue. */
  failed(queue: string, type: string): void
}

export const unobserved: MessagingObserver = { handled: () => {}, retried: () => {}, failed: () => {} }
