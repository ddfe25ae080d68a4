import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type pg from 'pg'
import { coalescingNotifies } from './coalesced-notify.ts'

/** A pool that records the statements it is given, and fails those asked to. */
const recordingPool = (failing = false) => {
  const sent: { text: string; params?: unknown[] }[] = []
  const pool = {
    query: async (text: string, params?: unknown[]) => {
      sent.push({ text, ...(params && { params }) })
      if (failing) throw new Error('the database went away')
      return { rows: [] }
    },
    connect: async () => 'a client',
    totalCount: 3,
  }
  return { sent, pool: pool as unknown as pg.Pool }
}

describe('the socket adapter\'s notifications', () => {
  test('given notifications asked for in one turn, they go out in one statement, in order', async () => {
    const { sent, pool } = recordingPool()
    const coalesced = coalescingNotifies(pool)
    await Promise.all(['a', 'b', 'c'].map((payload, i) => coalesced.query('SELECT pg_notify($1, $2)', [`socket.io#/${i % 2}`, payload])))
    assert.equal(sent.length, 1)
    assert.match(sent[0]!.text, /pg_notify.*unnest/)
    assert.deepEqual(sent[0]!.params, [['socket.io#/0', 'socket.io#/1', 'socket.io#/0'], ['a', 'b', 'c']])
  })

  test('notifications of a later turn go in a statement of their own', async () => {
    const { sent, pool } = recordingPool()
    const coalesced = coalescingNotifies(pool)
    await coalesced.query('SELECT pg_notify($1, $2)', ['c', 'first'])
    await coalesced.query('SELECT pg_notify($1, $2)', ['c', 'second'])
    assert.deepEqual(sent.map((s) => (s.params as string[][])[1]), [['first'], ['second']])
  })

  test('everything else the adapter does with its pool passes through as it is', async () => {
    const { sent, pool } = recordingPool()
    const coalesced = coalescingNotifies(pool)
    await coalesced.query('SELECT payload FROM socket_io_attachments WHERE id = $1', [7])
    assert.deepEqual(sent, [{ text: 'SELECT payload FROM socket_io_attachments WHERE id = $1', params: [7] }])
    assert.equal(await coalesced.connect(), 'a client')
    assert.equal(coalesced.totalCount, 3)
  })

  test('when the statement fails, each notification in it fails', async () => {
    const { pool } = recordingPool(true)
    const coalesced = coalescingNotifies(pool)
    const results = await Promise.allSettled([1, 2].map((n) => coalesced.query('SELECT pg_notify($1, $2)', ['c', String(n)])))
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected'])
  })
})
