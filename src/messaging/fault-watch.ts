import { faultsByEndpoint, readFaults, type EndpointFaults } from './faults.ts'
import type { Database } from './sql.ts'

export interface FaultWatchOptions {
  /** How often the faults are read again: a fault set anywhere takes effect here within this long. */
  readonly everyMs?: number
  /** Told after each reading, to pause or resume the endpoints; awaited by `refresh`. */
  readonly onRead: (faults: ReadonlyMap<string, EndpointFaults>) => Promise<void>
  readonly onError: (error: unknown) => void
}

/**
 * A process's view of ops' faults: read once a second by a timer, never by the messages themselves, so that handling
 * a message asks a map in memory and nothing else. Started only where faults are allowed and an endpoint consumes.
 */
export const watchFaults = (db: Database, options: FaultWatchOptions) => {
  let current: ReadonlyMap<string, EndpointFaults> = new Map()
  let stopped = false
  let reading: Promise<void> | undefined
  const read = async () => {
    try {
      const faults = faultsByEndpoint(await readFaults(db))
      if (stopped) return
      current = faults
      await options.onRead(current)
    } catch (error) {
      options.onError(error)
    }
  }
  // One reading at a time: a slow database never stacks them up.
  const refresh = () => (reading ??= read().finally(() => { reading = undefined }))
  const timer = setInterval(() => void refresh(), options.everyMs ?? 1_000)
  timer.unref()
  return {
    /** The endpoint's faults as last read; undefined when it has none (or the watch stopped: a delay in progress ends). */
    of: (endpoint: string): EndpointFaults | undefined => current.get(endpoint),
    /** Reads the faults now and applies them (a fault just set, or the first reading before an endpoint starts). */
    refresh: async () => {
      await reading
      await refresh()
    },
    stop() {
      stopped = true
      clearInterval(timer)
      current = new Map()
    },
  }
}

export type FaultWatch = ReturnType<typeof watchFaults>
