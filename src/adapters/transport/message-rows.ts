import type { Outgoing } from '../../messaging/transport.ts'

/**
 * Messages as rows of one insert: everything but the bodies in one JSON document (JSON.stringify is native, where
 * pg escapes each array element in JavaScript, and PostgreSQL reads the headers straight into jsonb), and each body
 * as a text parameter of its own. A body is often a bundle, hundreds of kilobytes of JSON: inside the document it
 * would be escaped once more in JavaScript and parsed as a JSON string by PostgreSQL, which cost a writer's batch
 * four milliseconds; as a parameter it travels as it is.
 */
export interface MessageRows {
  /** `$1`: the JSON document of the rows' other columns, each with its `ord` (its index in the chunk). */
  readonly document: string
  /** A `(values …) as b(ord, body)` list that joins the bodies, `$2` onwards, to the document's rows by `ord`. */
  readonly bodies: string
  readonly params: unknown[]
}

/** At most this many messages per statement: a parameter each, and PostgreSQL takes 65,535 parameters at most. */
const ROWS_PER_STATEMENT = 1_000

export const messageRows = <Row>(messages: readonly Outgoing[], columns: (message: Outgoing) => Row): MessageRows[] => {
  const chunks: MessageRows[] = []
  for (let start = 0; start < messages.length; start += ROWS_PER_STATEMENT) {
    const chunk = messages.slice(start, start + ROWS_PER_STATEMENT)
    chunks.push({
      document: JSON.stringify(chunk.map((message, ord) => ({ ord, ...columns(message) }))),
      bodies: `(values ${chunk.map((_, ord) => `(${ord}, $${ord + 2}::text)`).join(', ')}) as b(ord, body)`,
      params: chunk.map((message) => message.message.body),
    })
  }
  return chunks
}
