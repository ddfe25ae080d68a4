import { createHash, randomBytes } from 'node:crypto'

/** A drawing's secret until the draw: 32 random bytes, written as 64 lower-case hex characters. */
export const newSeed = (): string => randomBytes(32).toString('hex')

/**
 * Published when the drawing opens, so the seed cannot be chosen later: SHA-256 of the seed as written (its 64 hex
 * characters), which anyone can check with `printf %s SEED | sha256sum`.
 */
export const commitmentOf = (seed: string): string => createHash('sha256').update(seed, 'utf8').digest('hex')
