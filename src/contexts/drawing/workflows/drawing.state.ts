import { z } from 'zod'

/** What the drawing saga keeps between its steps: the secret seed, until the draw reveals it. */
export const drawingState = z.object({
  showtimeId: z.string().min(1).max(80),
  seed: z.string().regex(/^[0-9a-f]{64}$/),
})

export type DrawingState = z.infer<typeof drawingState>
