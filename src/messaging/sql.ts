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
  /** LISTEN on a channel; NOTIFY sent inside a transaction arrives after its commit. Returns the unlisten function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}
