export interface DrawingSettings {
  /**
   * How long after the drawing date the draw waits. Ordering refuses entries from the drawing date on, but an entry
   * it accepted just before travels to the drawing as a message, which a retry or a busy queue can hold up for a
   * while: the draw should not leave it out. Read when a drawing opens, so each process takes its own setting.
   */
  readonly graceMs: () => number
}
