import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { startPopcornProcess } from '../test/support/popcorn-process.ts'

const popcorn = (args: string[], env: Record<string, string>) => startPopcornProcess(args[0] as 'start', env)

describe('the popcorn command', () => {
  test('npm start: serves on the embedded default, then stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'popcorn-e2e-'))
    try {
      const run = popcorn(['start'], { PORT: '0', POPCORN_DATABASE_URL: data })
      const url = await run.served
      const health = await (await fetch(`${url}/health`)).json()
      assert.deepEqual({ role: health.role, database: health.database, transport: health.transport }, { role: 'start', database: 'pglite', transport: 'db' })
      assert.match(await (await fetch(url)).text(), /Popcorn/)
      run.child.kill('SIGTERM')
      const { code, output } = await run.exited
      assert.equal(code, 0, output)
      assert.match(output, /popcorn stopped/)
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })

  test('a bad setting stops it at once with a message that names the setting', async () => {
    const { code, output } = await popcorn(['start'], { PORT: 'eighty' }).exited
    assert.equal(code, 2)
    assert.match(output, /PORT="eighty"/)
  })

  test('the scale-out roles refuse the embedded database, and say why', async () => {
    const { code, output } = await popcorn(['worker'], { POPCORN_DATABASE_URL: './nowhere' }).exited
    assert.equal(code, 2)
    assert.match(output, /POPCORN_DATABASE_URL=postgres/)
  })

  test('an unknown command prints the usage', async () => {
    const { code, output } = await popcorn(['dance'], {}).exited
    assert.equal(code, 2)
    assert.match(output, /usage: popcorn <start\|web\|worker>/)
  })
})
