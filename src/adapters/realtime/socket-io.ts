import type { Server as HttpServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { createAdapter } from '@socket.io/postgres-adapter'
import pg from 'pg'
import type { Logger } from 'pino'
import { Server } from 'socket.io'
import type { MigrationSource } from '../db/migrate.ts'
import { coalescingNotifies } from './coalesced-notify.ts'

/** The adapter's table (socket_io_attachments), applied with every other migration under one lock. */
export const realtimeMigrations: MigrationSource = { owner: 'realtime', dir: fileURLToPath(new URL('./migrations', import.meta.url)) }

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
    io.adapter(createAdapter(coalescingNotifies(pool), { errorHandler: (error) => options.logger.warn({ err: error }, 'socket adapter error') }))
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
