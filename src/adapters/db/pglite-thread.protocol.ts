/** What the main thread asks of the PGlite thread, one call an id (see pglite.ts). */
export type Call = { readonly id: number } & (
  | { readonly op: 'query'; readonly text: string; readonly params: readonly unknown[]; readonly tx?: number }
  | { readonly op: 'exec'; readonly script: string; readonly tx?: number }
  | { readonly op: 'begin' }
  | { readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly op: 'listen'; readonly channel: string }
  | { readonly op: 'unlisten'; readonly listener: number }
  | { readonly op: 'close' }
)

export interface ThreadError {
  readonly message: string
  readonly name: string
  readonly [field: string]: unknown
}

export type Reply =
  | { readonly ready: true }
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: ThreadError }
  | { readonly notify: number; readonly payload: string }
