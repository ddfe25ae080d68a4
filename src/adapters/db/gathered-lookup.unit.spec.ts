import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Database } from '../../messaging/sql.ts'
import { gatheredLookup } from './gathered-lookup.ts'

/** A lookup over a fixed table that records the keys of each query it was asked. */
const recordingLookup = (table: Record<string, string>) => {
  const queries: string[][] = []
  const lookup = gatheredLookup((key: string) => key.toLowerCase(), async (_db, keys: readonly string[]) => {
    queries.push([...keys])
    return new Map(keys.filter((key) => key.toLowerCase() in table).map((key) => [key.toLowerCase(), table[key.toLowerCase()]!]))
  })
  return { lookup, queries }
}

describe('gathered lookups', () => {
  test('keys asked for within the window go out as one query after it, and each asker gets its own row or nothing', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const db = {} as Database
    const { lookup, queries } = recordingLookup({ a: 'row a', b: 'row b' })
    const first = lookup(db, 'a', 5)
    t.mock.timers.tick(3)
    const rest = [lookup(db, 'B', 5), lookup(db, 'missing', 5), lookup(db, 'a', 5)]
    assert.deepEqual(queries, [], 'nothing asked while the window is open')
    t.mock.timers.tick(2)
    assert.deepEqual(await Promise.all([first, ...rest]), ['row a', 'row b', undefined, 'row a'])
    assert.deepEqual(queries, [['a', 'B', 'missing', 'a']])
  })

  test('a lookup after the answer is read again: nothing is kept', async () => {
    const db = {} as Database
    const table: Record<string, string> = { a: 'before' }
    const { lookup, queries } = recordingLookup(table)
    assert.equal(await lookup(db, 'a'), 'before')
    table.a = 'after'
    assert.equal(await lookup(db, 'a'), 'after')
    assert.equal(queries.length, 2)
  })

  test('other databases are asked on their own', async () => {
    const { lookup, queries } = recordingLookup({ a: 'row a' })
    await Promise.all([lookup({} as Database, 'a'), lookup({} as Database, 'a')])
    assert.equal(queries.length, 2)
  })
})
