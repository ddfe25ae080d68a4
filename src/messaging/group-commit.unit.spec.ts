import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { GroupCommit, type GroupCommitSettings } from './group-commit.ts'

/** A commit that records each transaction's members; a member named in `failing` makes any transaction holding it fail. */
const recorder = (failing: readonly string[] = []) => {
  const transactions: string[][] = []
  const commit = async (members: readonly string[]) => {
    transactions.push([...members])
    const bad = members.find((m) => failing.includes(m))
    if (bad) throw new Error(`${bad} failed`)
    return members.map((m) => `${m} committed`)
  }
  return { transactions, commit }
}

/** A window the test closes itself: no clock involved. */
const manualWindow = () => {
  const closers: (() => void)[] = []
  const settings = (max: number): GroupCommitSettings => ({ windowMs: 2, max, timer: (close) => (closers.push(close), () => {}) })
  return { closers, settings }
}

/** Lets every settled promise's callbacks run. */
const drain = () => new Promise((resolve) => setImmediate(resolve))

describe('GroupCommit', () => {
  test('members arriving together share one transaction and are answered in their own order, after it', async () => {
    const { transactions, commit } = recorder()
    const window = manualWindow()
    const group = new GroupCommit(commit, window.settings(100))
    const answers = ['a', 'b', 'c'].map((m) => group.add(m))
    await drain()
    assert.deepEqual(transactions, [], 'nothing commits while the window is open')
    window.closers[0]!()
    assert.deepEqual(await Promise.all(answers), ['a committed', 'b committed', 'c committed'])
    assert.deepEqual(transactions, [['a', 'b', 'c']])
    assert.equal(window.closers.length, 1, 'one window for the group')
  })

  test('a full group commits at once, and the next member opens the next group', async () => {
    const { transactions, commit } = recorder()
    const window = manualWindow()
    const group = new GroupCommit(commit, window.settings(2))
    const first = [group.add('a'), group.add('b')]
    const third = group.add('c')
    assert.deepEqual(await Promise.all(first), ['a committed', 'b committed'])
    assert.deepEqual(transactions, [['a', 'b']])
    window.closers[0]!() // the first group's window closing late changes nothing
    window.closers[1]!()
    assert.equal(await third, 'c committed')
    assert.deepEqual(transactions, [['a', 'b'], ['c']])
  })

  test('when the shared transaction fails, each member runs again alone: only the one at fault fails', async () => {
    const { transactions, commit } = recorder(['b'])
    const group = new GroupCommit(commit, manualWindow().settings(3))
    const answers = await Promise.allSettled(['a', 'b', 'c'].map((m) => group.add(m)))
    assert.deepEqual(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message)), ['a committed', 'b failed', 'c committed'])
    assert.deepEqual(transactions, [['a', 'b', 'c'], ['a'], ['b'], ['c']])
  })

  test('a group of one, a window of 0 or a max of 1 is a transaction of its own', async () => {
    for (const settings of [{ windowMs: 0, max: 200 }, { windowMs: 2, max: 1 }]) {
      const { transactions, commit } = recorder(['b'])
      const group = new GroupCommit(commit, settings)
      assert.equal(await group.add('a'), 'a committed')
      await assert.rejects(group.add('b'), { message: 'b failed' })
      assert.deepEqual(transactions, [['a'], ['b']], 'never run twice')
    }
    const { transactions, commit } = recorder(['x'])
    const window = manualWindow()
    const lone = new GroupCommit(commit, window.settings(10)).add('x')
    window.closers[0]!()
    await assert.rejects(lone, { message: 'x failed' })
    assert.deepEqual(transactions, [['x']], 'a lone member that fails is not run again')
  })
})
