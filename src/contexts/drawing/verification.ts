import { z } from 'zod'
import { draw, drawAlgorithm } from './draw.ts'
import { commitmentOf } from './seed.ts'

/**
 * Checks a drawing from what its site publishes, trusting nothing else: the seed against its commitment, and the
 * winners against a draw re-run here from the published entries. The answers are validated like any input.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const drawingDocument = z.object({
  showtimeId: z.string(), status: z.enum(['open', 'closed', 'drawn']), algorithm: z.string(), capacity: z.number().int().min(0),
  commitment: hex64, seed: hex64.nullable(),
})
const entriesDocument = z.object({ final: z.boolean(), entries: z.array(z.object({ entryId: hex64, tickets: z.number().int().min(1) })) })
const resultDocument = z.object({ seed: hex64, seatsAwarded: z.number().int().min(0), winners: z.array(z.object({ entryId: hex64, tickets: z.number().int() })) })

/** GETs a path of the site; answers its status and parsed JSON body. */
export type Fetch = (path: string) => Promise<{ readonly status: number; readonly body: unknown }>

export interface Verification {
  /** False until the draw: there is nothing to check yet. */
  readonly drawn: boolean
  readonly ok: boolean
  readonly lines: readonly string[]
}

const document = async <S extends z.ZodType>(get: Fetch, path: string, schema: S): Promise<z.infer<S>> => {
  const { status, body } = await get(path)
  if (status !== 200) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message
    throw new Error(`${path}: HTTP ${status}${message ? ` — ${message}` : ''}`)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new Error(`${path}: not what a drawing publishes: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

export const verifyDrawing = async (get: Fetch, showtimeId: string): Promise<Verification> => {
  const base = `/api/drawings/${encodeURIComponent(showtimeId)}`
  const drawing = await document(get, base, drawingDocument)
  if (drawing.status !== 'drawn' || !drawing.seed) {
    return { drawn: false, ok: false, lines: [`${showtimeId}: not drawn yet (${drawing.status}); its commitment is ${drawing.commitment}. Check again after the draw.`] }
  }
  if (drawing.algorithm !== drawAlgorithm) {
    return { drawn: true, ok: false, lines: [`${showtimeId} was drawn with ${drawing.algorithm}; this script re-runs ${drawAlgorithm} only.`] }
  }
  const published = await document(get, `${base}/entries`, entriesDocument)
  const result = await document(get, `${base}/result`, resultDocument)

  const seedMatches = commitmentOf(drawing.seed) === drawing.commitment && result.seed === drawing.seed
  const rerun = draw({ seed: drawing.seed, capacity: drawing.capacity, entries: published.entries.map((e) => ({ id: e.entryId, tickets: e.tickets })) })
  const expected = rerun.winners.map((w) => w.id)
  const announced = result.winners.map((w) => w.entryId)
  const winnersMatch = expected.length === announced.length && expected.every((id, i) => id === announced[i]) && rerun.seatsAwarded === result.seatsAwarded
  const firstDifference = expected.findIndex((id, i) => id !== announced[i])
  return {
    drawn: true,
    ok: seedMatches && winnersMatch,
    lines: [
      `drawing ${drawing.showtimeId}: ${published.entries.length} entries, ${drawing.capacity} seats, ${drawing.algorithm}`,
      `seed ${drawing.seed}`,
      seedMatches ? `✓ sha256(seed) = commitment ${drawing.commitment}` : `✗ sha256(seed) = ${commitmentOf(drawing.seed)}, but the commitment was ${drawing.commitment}`,
      winnersMatch
        ? `✓ the draw re-run here gives the same ${announced.length} winners in the same order, ${rerun.seatsAwarded} seats`
        : `✗ the draw re-run here gives ${expected.length} winners (${rerun.seatsAwarded} seats); the site says ${announced.length} (${result.seatsAwarded} seats)` +
          (firstDifference >= 0 ? `; they first differ at place ${firstDifference + 1}` : ''),
    ],
  }
}
