import type { RoundTrip } from '../lib/load.ts'

/** Something whose command → handler → reply round trip is measured: a shape of Popcorn's core, or a peer. */
export interface SubjectPlan {
  readonly id: string
  readonly label: string
  readonly kind: 'shape' | 'peer'
  /** Sets up a fresh world; throws Skip when it cannot run here. */
  open(): Promise<Subject>
}

export interface Subject {
  readonly roundTrip: RoundTrip
  /** How it was configured and what it ran on, for the JSON. */
  readonly details: Record<string, unknown>
  /** Stops it and deletes what it created (database, queues, directory). */
  close(): Promise<void>
}

/** Runs `steps` in order, each even when an earlier one failed; throws the first failure at the end. */
export const cleanup = async (...steps: (() => Promise<unknown>)[]) => {
  let first: unknown
  for (const step of steps) {
    try {
      await step()
    } catch (error) {
      first ??= error
    }
  }
  if (first !== undefined) throw first
}

/**
 * Builds a subject whose teardown is the steps registered with `later` along the way, run last-first: `close`
 * runs them all, and so does a build that fails halfway, so nothing it had created is left behind.
 */
export const withTeardown = async (build: (later: (step: () => Promise<unknown>) => void) => Promise<Omit<Subject, 'close'>>): Promise<Subject> => {
  const steps: (() => Promise<unknown>)[] = []
  const close = () => cleanup(...steps.splice(0))
  try {
    return { ...(await build((step) => void steps.unshift(step))), close }
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}
