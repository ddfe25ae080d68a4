/** Requests waiting for their reply, found again by the id the request carried (its correlation id). */
export const createWaiters = () => {
  const waiting = new Map<string, () => void>()
  return {
    /**
     * Sends and waits for the reply to `id`. The waiter is registered before sending: a reply can arrive before the
     * send call returns. One that never comes is given up by the load driver's timeout (its entry stays: few, bounded).
     */
    async roundTrip(id: string, send: () => Promise<unknown>): Promise<void> {
      const replied = new Promise<void>((resolve) => waiting.set(id, resolve))
      try {
        await send()
      } catch (error) {
        waiting.delete(id)
        throw error
      }
      await replied
    },
    /** A reply arrived; a late or duplicate one finds nobody waiting and is ignored. */
    resolve(id: string): void {
      const resolve = waiting.get(id)
      waiting.delete(id)
      resolve?.()
    },
  }
}

export type Waiters = ReturnType<typeof createWaiters>
