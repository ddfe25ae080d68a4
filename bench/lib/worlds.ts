import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where one shape's two subjects (Popcorn and the naive peer) keep their data, and how it goes away after. */
export interface World<Shape extends string> {
  readonly shape: Shape
  readonly label: string
  /** A PGlite folder or a postgres:// URL. */
  readonly popcornDatabase: string
  readonly naiveDatabase: string
  readonly broker?: { readonly url: string; readonly namespace: string }
  readonly details: Record<string, unknown>
  destroy(): Promise<void>
}

/** The embedded shape: each subject its own PGlite folder, under one temp folder removed after. */
export const embeddedWorld = (prefix: string, label: string, details: Record<string, unknown>): World<'embedded'> => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    shape: 'embedded',
    label,
    popcornDatabase: join(dir, 'popcorn'),
    naiveDatabase: join(dir, 'naive'),
    details,
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  }
}
