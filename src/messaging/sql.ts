/** The database port: what the core and the contexts need of PGlite or PostgreSQL, nothing more. */
export interface QueryResult<Row> {
  readonly rows: Row[]
  readonly rowCount: number
}

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres'
  /** True when one process owns the database (PGlite): leases held by a dead predecessor can be released at start. */
  readonly exclusive: boolean
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>
  /**
   * LISTEN on a channel; NOTIFY sent inside a transaction arrives after its commit. Returns the unlisten function.
   * A connection lost is opened again; `onResume` is told then, since what was sent meanwhile did not arrive.
   */
  listen(channel: string, onNotify: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>
  /**
   * Whether this error says the database could not be reached (refused, lost, restarting) rather than anything the
   * statement did: nobody's fault, and gone once the server is back.
   */
  unavailable(error: unknown): boolean
  close(): Promise<void>
}
