import { randomBytes } from 'node:crypto'
import { connect } from 'amqplib'
import pg from 'pg'

/** A subject that cannot run here (its server is unreachable, its module absent): skipped, with the reason. */
export class Skip extends Error {}

const messageOf = (error: unknown) => (error instanceof Error ? error.message || error.constructor.name : String(error))

/** The URL without its password, for what the bench prints and writes. */
export const shown = (url: string) => {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/** The server's version, or a Skip saying why it cannot be reached. */
export const probePostgres = async (url: string): Promise<string> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version
  } catch (error) {
    throw new Skip(`PostgreSQL unreachable at ${shown(url)}: ${messageOf(error)}`)
  } finally {
    await client.end().catch(() => {})
  }
}

export const probeRabbit = async (url: string): Promise<string> => {
  try {
    const model = await connect(url, { timeout: 3_000 })
    const version = String(model.connection.serverProperties.version ?? 'unknown')
    await model.close().catch(() => {})
    return version
  } catch (error) {
    throw new Skip(`RabbitMQ unreachable at ${shown(url)}: ${messageOf(error)}`)
  }
}

/** A database of its own on the server at `adminUrl`, dropped (connections and all) by `drop`. */
export const throwawayDatabase = async (adminUrl: string, prefix: string) => {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end().catch(() => {})
    }
  }
  await admin(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) }
}

export const randomSuffix = () => randomBytes(4).toString('hex')
