import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import amqp from 'amqplib'
import pg from 'pg'
import { eventually } from './eventually.ts'

/**
 * A PostgreSQL server or a RabbitMQ node of one test's own, on ports of its own, so that the test can stop and start
 * it — a real restart, as an operator's or a crash's — while every other test file keeps using the shared ones.
 * Started from the machine's own installation (Debian's packages, as CI has them); as root, run as their users.
 */
export interface OwnServer {
  /** Stops it at once (PostgreSQL: `pg_ctl stop -m fast`; RabbitMQ: `rabbitmqctl stop`), every connection dropped. */
  stop(): Promise<void>
  /** Starts it again on the same data and port, and waits until it takes connections. */
  start(): Promise<void>
  /** Whether it takes a connection now: for a test to check that it really went away. */
  answers(): Promise<boolean>
  /** Stops it and deletes its data. */
  destroy(): Promise<void>
}

const run = async (command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) => {
  try {
    return (await promisify(execFile)(command, args, { timeout: 120_000, env: { ...process.env, ...options.env } })).stdout
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`)
  }
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer()
  server.once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resolve(port))
  })
})

const asRoot = process.getuid?.() === 0

/** PostgreSQL's programs: Debian keeps them under /usr/lib/postgresql/<version>/bin, off the PATH. */
const postgresBin = () => {
  const root = '/usr/lib/postgresql'
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)).find((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : undefined
  if (!version) throw new Error(`no PostgreSQL installation under ${root} to start a server of the test's own`)
  return join(root, version, 'bin')
}

/** A PostgreSQL server of its own: `adminUrl` is its `postgres` database, trust auth on 127.0.0.1. */
export const ownPostgres = async (): Promise<OwnServer & { readonly adminUrl: string }> => {
  const bin = postgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'popcorn-own-postgres-'))
  const data = join(dir, 'data')
  if (asRoot) chownSync(dir, ...ids('postgres'))
  const pgRun = (program: string, ...args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args))
  await pgRun('initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8')
  const port = await freePort()
  // In its configuration, so that a start after a stop needs no options; durability is not what this server is for.
  writeFileSync(join(data, 'postgresql.auto.conf'),
    `port = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\nfull_page_writes = off\nmax_connections = 200\n`)
  const start = async () => void (await pgRun('pg_ctl', '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'))
  const stop = async () => void (await pgRun('pg_ctl', '-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'))
  await start()
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    adminUrl,
    start,
    stop,
    async answers() {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 })
      client.on('error', () => {})
      try {
        await client.connect()
        await client.query('select 1')
        return true
      } catch {
        return false
      } finally {
        await client.end().catch(() => {})
      }
    },
    async destroy() {
      await stop().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A RabbitMQ node of its own: `url` is its default virtual host, as guest (allowed from 127.0.0.1). */
export const ownRabbit = async (): Promise<OwnServer & { readonly url: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'popcorn-own-rabbitmq-'))
  const [port, distPort] = [await freePort(), await freePort()]
  const node = `popcorn-${port}@localhost`
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n') // no management listener on the shared node's port
  if (asRoot) {
    chownSync(dir, ...ids('rabbitmq'))
    chownSync(join(dir, 'enabled_plugins'), ...ids('rabbitmq'))
  }
  const env = {
    RABBITMQ_NODENAME: node, RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1', RABBITMQ_NODE_PORT: String(port), RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'), RABBITMQ_LOG_BASE: join(dir, 'log'), RABBITMQ_PID_FILE: join(dir, 'pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'), RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'), RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
  }
  const url = `amqp://guest:guest@127.0.0.1:${port}`
  const start = async () => {
    await run('rabbitmq-server', ['-detached'], { env })
    await eventually(async () => {
      const connection = await amqp.connect(url, { timeout: 5_000 })
      await connection.close()
    }, { timeoutMs: 120_000, intervalMs: 250, what: `RabbitMQ node ${node} to take connections` })
  }
  const stop = async () => void (await run('rabbitmqctl', ['-q', '-n', node, 'stop'], { env }))
  await start()
  return {
    url,
    start,
    stop,
    answers: () => amqp.connect(url, { timeout: 5_000 }).then((connection) => connection.close().then(() => true), () => false),
    async destroy() {
      await stop().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The user and group ids of a service account (`postgres`, `rabbitmq`), to hand it a directory. */
const ids = (user: string): [number, number] => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`))
  if (!line) throw new Error(`no ${user} user on this machine`)
  const [, , uid, gid] = line.split(':')
  return [Number(uid), Number(gid)]
}
