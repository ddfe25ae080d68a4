import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sharedRead } from './shared-read.ts'

/** A read whose answer the test gives when it likes, counting how often it was asked. */
const controlledRead = () => {
  const asked: ((value: string) => void)[] = []
  const failures: ((error: Error) => void)[] = []
  const read = () => new Promise<string>((resolve, reject) => {
    asked.push(resolve)
    failures.push(reject)
  })
  return { read, asked, failures }
}

describe('shared reads', () => {
  test('reads of one key that overlap share one query and its answer', async () => {
    const db = {}
    const { read, asked } = controlledRead()
    const first = sharedRead(db, 'room 1', read)
    const second = sharedRead(db, 'room 1', read)
    assert.equal(asked.length, 1)
    asked[0]!('open')
    assert.deepEqual(await Promise.all([first, second]), ['open', 'open'])
  })

  test('a read that starts after the last one answered asks again: nothing is kept', async () => {
    const db = {}
    const { read, asked } = controlledRead()
    const first = sharedRead(db, 'room 1', read)
    asked[0]!('open')
    await first
    const later = sharedRead(db, 'room 1', read)
    assert.equal(asked.length, 2)
    asked[1]!('closed')
    assert.equal(await later, 'closed')
  })

  test('other keys and other databases read on their own', async () => {
    const [one, two] = [{}, {}]
    const { read, asked } = controlledRead()
    void sharedRead(one, 'room 1', read)
    void sharedRead(one, 'room 2', read)
    void sharedRead(two, 'room 1', read)
    assert.equal(asked.length, 3)
    for (const answer of asked) answer('x')
  })

  test('a failed read fails everyone who shared it, and the next read asks again', async () => {
    const db = {}
    const { read, asked, failures } = controlledRead()
    const first = sharedRead(db, 'room 1', read)
    const second = sharedRead(db, 'room 1', read)
    failures[0]!(new Error('connection lost'))
    await assert.rejects(first, /connection lost/)
    await assert.rejects(second, /connection lost/)
    const again = sharedRead(db, 'room 1', read)
    assert.equal(asked.length, 2)
    asked[1]!('open')
    assert.equal(await again, 'open')
  })
})

describe('shared reads gathered for a moment', () => {
  test('requests arriving within the window share one query that starts after the last of them arrived', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const db = {}
    const { read, asked } = controlledRead()
    const first = sharedRead(db, 'room 1', read, 5)
    t.mock.timers.tick(3)
    const second = sharedRead(db, 'room 1', read, 5)
    assert.equal(asked.length, 0, 'nothing asked while the window is open')
    t.mock.timers.tick(2)
    await Promise.resolve()
    assert.equal(asked.length, 1, 'one query once it closes')
    const third = sharedRead(db, 'room 1', read, 5)
    asked[0]!('open')
    assert.deepEqual(await Promise.all([first, second, third]), ['open', 'open', 'open'], 'one arriving while it runs takes its answer too')
    const later = sharedRead(db, 'room 1', read, 5)
    t.mock.timers.tick(5)
    await Promise.resolve()
    assert.equal(asked.length, 2, 'after the answer, the next request gathers anew')
    asked[1]!('closed')
    assert.equal(await later, 'closed')
  })
})
