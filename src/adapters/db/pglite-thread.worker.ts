import { parentPort, workerData } from 'node:worker_threads'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import type { Call, Reply } from './pglite-thread.protocol.ts'

/**
 * The thread that owns the PGlite of an embedded Popcorn (see pglite.ts): it runs each call it is sent, in the
 * order sent, and answers it by id. A transaction stays open across calls until the main thread ends it.
 */
const port = parentPort!
const pg = await PGlite.create(workerData.dataDir as string)

class Rollback extends Error {}

interface Open {
  readonly tx: Transaction
  end(commit: boolean): void
  readonly ended: Promise<void>
}

const open = new Map<number, Open>()
const unlisten = new Map<number, () => Promise<void>>()
let nextId = 1

const begin = () =>
  new Promise<number>((started, failed) => {
    const id = nextId++
    let end!: (commit: boolean) => void
    const decided = new Promise<boolean>((resolve) => (end = resolve))
    const ended = pg.transaction(async (tx) => {
      open.set(id, { tx, end, ended })
      started(id)
      if (!(await decided)) throw new Rollback()
    }).then(() => {}, (error: unknown) => {
      if (!(error instanceof Rollback)) throw error
    }).finally(() => open.delete(id))
    ended.catch(failed) // failing before it started (BEGIN itself)
  })

const target = (tx: number | undefined) => {
  if (tx === undefined) return pg
  const found = open.get(tx)
  if (!found) throw new Error(`transaction ${tx} is over`)
  return found.tx
}

const run = async (call: Call): Promise<unknown> => {
  switch (call.op) {
    case 'query': {
      const { rows, affectedRows } = await target(call.tx).query(call.text, call.params as unknown[])
      // pg counts the rows a SELECT returns; PGlite reports 0 affected rows for it
      return { rows, rowCount: Math.max(affectedRows ?? 0, rows.length) }
    }
    case 'exec':
      await target(call.tx).exec(call.script)
      return undefined
    case 'begin':
      return begin()
    case 'end': {
      const found = open.get(call.tx)
      if (!found) throw new Error(`transaction ${call.tx} is over`)
      found.end(call.commit)
      await found.ended
      return undefined
    }
    case 'listen': {
      const id = nextId++
      unlisten.set(id, await pg.listen(call.channel, (payload) => port.postMessage({ notify: id, payload } satisfies Reply)))
      return id
    }
    case 'unlisten':
      await unlisten.get(call.listener)?.()
      unlisten.delete(call.listener)
      return undefined
    case 'close':
      await pg.close()
      return undefined
  }
}

/** What the main thread rebuilds as an Error: its message and the fields a caller may look at (code, constraint…). */
const describe = (error: unknown) =>
  error instanceof Error
    ? { ...Object.fromEntries(Object.entries(error).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))), message: error.message, name: error.name }
    : { message: String(error), name: 'Error' }

port.on('message', (call: Call) => {
  run(call).then(
    (result) => port.postMessage({ id: call.id, result } satisfies Reply),
    (error: unknown) => port.postMessage({ id: call.id, error: describe(error) } satisfies Reply),
  )
})
port.postMessage({ ready: true } satisfies Reply)
