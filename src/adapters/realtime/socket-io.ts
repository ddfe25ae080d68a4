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
 * The adapter keeps a client of its pool for LISTEN and never gives it back. When PostgreSQL restarts, that client
 * fails: with nobody listening for its `error` the process would die, and, never released, it would keep a place in
 * the pool for good. So each client it takes is listened to, and closed back into the pool when it ends; the
 * adapter itself takes a new one and listens again (its own reconnection).
 */
const survivingListen = (pool: pg.Pool, logger: Logger): pg.Pool => new Proxy(pool, {
  get(target, property) {
    if (property === 'connect') {
      return async () => {
        const client = await target.connect()
        client.on('error', (error) => logger.warn({ err: error }, 'the socket adapter lost its PostgreSQL connection; it listens again once the server is back'))
        client.once('end', () => {
          try { client.release(true) } catch { /* released already */ }
        })
        return client
      }
    }
    const value: unknown = Reflect.get(target, property, target)
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
  },
})

/**
 * The adapter reports a failure for each notification it cannot send and each attempt to listen again: an outage
 * of a few seconds under load would write thousands of lines. The first is logged; then at most one line every
 * `everyMs`, saying how many it stands for.
 */
export const everyFewSeconds = (warn: (error: unknown, repeated: number) => void, clock: () => number = Date.now, everyMs = 10_000) => {
  let lastAt = Number.NEGATIVE_INFINITY
  let repeated = 0
  return (error: unknown) => {
    repeated++
    if (clock() - lastAt < everyMs) return
    lastAt = clock()
    warn(error, repeated)
    repeated = 0
  }
}

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
    pool.on('connect', (client) => client.on('error', () => {})) // as the database's pool: see adapters/db/postgres.ts
    const listening = survivingListen(pool, options.logger)
    const adapterFailed = everyFewSeconds((error, repeated) => options.logger.warn({ err: error, repeated }, 'the socket adapter failed (PostgreSQL out of reach?): pushes through other web nodes may be late'))
    io.adapter(createAdapter(coalescingNotifies(listening), { errorHandler: adapterFailed }))
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
