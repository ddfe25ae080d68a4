import { mkdirSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { Database, QueryResult, Sql } from '../../messaging/sql.ts'
import { isDatabaseUnavailable } from './unavailable.ts'
import type { Call, Reply, ThreadError } from './pglite-thread.protocol.ts'

type CallOf<Op extends Call['op']> = Omit<Extract<Call, { op: Op }>, 'id'>

// A worker does not inherit the main thread's TypeScript loader on Node 20: it registers tsx itself, then loads the
// thread's module.
const threadMain = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./pglite-thread.worker.ts', import.meta.url).href)}) })`

/** The thread PGlite runs on: calls go out numbered, replies come back by number, in the order they were sent. */
const startThread = async (dataDir: string) => {
  const worker = new Worker(threadMain, { eval: true, workerData: { dataDir } })
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  const listeners = new Map<number, (payload: string) => void>()
  let nextId = 1
  let stopped: Error | undefined
  // The thread keeps the process alive only while something waits for it, as a socket to a database server would.
  const settle = () => (pending.size > 0 ? worker.ref() : worker.unref())
  const stop = (error: Error) => {
    stopped ??= error
    for (const waiting of pending.values()) waiting.reject(stopped)
    pending.clear()
    settle()
  }
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) return resolve()
      if ('notify' in reply) return listeners.get(reply.notify)?.(reply.payload)
      const waiting = pending.get(reply.id)
      pending.delete(reply.id)
      settle()
      if ('error' in reply) waiting?.reject(rebuilt(reply.error))
      else waiting?.resolve(reply.result)
    })
    worker.on('error', (error) => { reject(error); stop(new Error(`the embedded database's thread failed: ${error.message}`, { cause: error })) })
    worker.on('exit', (code) => { reject(new Error(`the embedded database's thread exited (${code}) before it was ready`)); stop(new Error(`the embedded database's thread exited (${code})`)) })
  })
  await ready
  const call = <Op extends Call['op']>(op: Op, args: Omit<CallOf<Op>, 'op'>): Promise<unknown> => {
    if (stopped) return Promise.reject(stopped)
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      settle()
      worker.postMessage({ id, op, ...args })
    })
  }
  return { call, listeners, terminate: () => worker.terminate() }
}

/** The error the thread described, as an Error with the same fields (`code` and `constraint` are looked at). */
const rebuilt = ({ message, ...fields }: ThreadError) => Object.assign(new Error(message), fields)

type Thread = Awaited<ReturnType<typeof startThread>>

const sqlOf = (thread: Thread, tx?: number): Sql => ({
  query: async <Row>(text: string, params: readonly unknown[] = []) => (await thread.call('query', { text, params, tx })) as QueryResult<Row>,
  exec: async (script: string) => { await thread.call('exec', { script, tx }) },
})

/**
 * PGlite: PostgreSQL compiled to WASM, run on a thread of its own so that the event loop answering browsers never
 * waits for it (it was 60 % of an embedded order's CPU). It survives a killed process (its WAL is replayed at open)
 * but never truly fsyncs, so the embedded shape promises process-crash safety, not power-loss durability.
 * One connection: PGlite queues every query behind an open transaction, so transactions never interleave.
 */
export const openPglite = async (dataDir: string): Promise<Database> => {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  const thread = await startThread(dataDir)
  return {
    kind: 'pglite',
    exclusive: true,
    ...sqlOf(thread),
    async transaction(work) {
      const tx = (await thread.call('begin', {})) as number
      let result
      try {
        result = await work(sqlOf(thread, tx))
      } catch (error) {
        await thread.call('end', { tx, commit: false }).catch(() => {})
        throw error
      }
      await thread.call('end', { tx, commit: true })
      return result
    },
    async listen(channel, onNotify) {
      const listener = (await thread.call('listen', { channel })) as number
      thread.listeners.set(listener, onNotify)
      return async () => {
        thread.listeners.delete(listener)
        await thread.call('unlisten', { listener })
      }
    },
    // In this process there is no connection to lose; the same reading keeps a wrapper's simulated outage honest.
    unavailable: isDatabaseUnavailable,
    async close() {
      await thread.call('close', {})
      await thread.terminate()
    },
  }
}
