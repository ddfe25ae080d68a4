import type { Server as HttpServer } from 'node:http'
import { createAdapter } from '@socket.io/postgres-adapter'
import pg from 'pg'
import type { Logger } from 'pino'
import { Server } from 'socket.io'

/**
 * Socket.IO on the web server. In the scale-out shape a PostgreSQL-backed adapter carries a room's events to
 * whichever web process holds the socket (LISTEN/NOTIFY underneath); embedded, one process needs none.
 */
export const createSocketServer = async (server: HttpServer, options: { databaseUrl?: string; logger: Logger }) => {
  const io = new Server(server, {
    serveClient: true,
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  })
  let pool: pg.Pool | undefined
  if (options.databaseUrl) {
    pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3 })
    pool.on('error', (error) => options.logger.warn({ err: error }, 'socket adapter connection error'))
    await pool.query(`create table if not exists socket_io_attachments (id bigserial unique, created_at timestamptz default now(), payload bytea)`)
    io.adapter(createAdapter(pool, { errorHandler: (error) => options.logger.warn({ err: error }, 'socket adapter error') }))
  }
  return {
    io,
    async close() {
      io.disconnectSockets(true)
      await new Promise<void>((resolve) => io.close(() => resolve()))
      await pool?.end()
    },
  }
}
