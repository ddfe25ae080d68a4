/**
 * Whether an error says PostgreSQL could not be reached — refused, lost, shutting down or starting up — rather than
 * anything the statement or its data did. Such a failure is nobody's fault and passes once the server is back: the
 * messaging core waits it out instead of counting it against a message, and the web answers "try again".
 */
const connectionCodes = new Set([
  // Node's sockets
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01', '57P02', '57P03', '53300',
])
const connectionMessages = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  // ALTER DATABASE … ALLOW_CONNECTIONS false, the way a database is closed for maintenance (55000, a code shared with other states)
  'is not currently accepting connections',
]

export const isDatabaseUnavailable = (error: unknown): boolean => {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (typeof code === 'string' && (connectionCodes.has(code) || code.startsWith('08'))) return true // 08: connection_exception
    if (typeof message === 'string' && connectionMessages.some((m) => message.includes(m))) return true
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true
  }
  return false
}
