import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, test } from 'node:test'
import { CrashWork } from '../../test/support/crash-messages.ts'
import { testMigrations } from '../../test/support/effects.ts'
import { testLogger } from '../../test/support/logger.ts'
import { shapes, type WorldSettings } from '../../test/support/shapes.ts'
import { createBus } from './bus.ts'
import { MessageCatalog } from './message.ts'

const worker = fileURLToPath(new URL('../../test/support/crash-worker.ts', import.meta.url))
const total = 1_000

/** Runs the crash worker; resolves with its exit once it exits, or kills it when `killAfter` handled were reported. */
const runWorker = (settings: WorldSettings, killAfter?: number) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; lastHandled: number }>((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', worker], {
      env: { ...process.env, POPCORN_CRASH_SETTINGS: JSON.stringify({ ...settings, expected: total }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let lastHandled = 0
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the crash worker ran for more than 3 minutes')) }, 180_000)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const handled = /^handled (\d+)$/.exec(line)
      if (handled) lastHandled = Number(handled[1])
      if (killAfter !== undefined && lastHandled >= killAfter) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => { clearTimeout(guard); resolve({ code, signal, lastHandled }) })
  })

for (const shape of shapes) {
  describe(`a worker killed with SIGKILL on ${shape.name}`, () => {
    test(`in the middle of ${total} messages: after a restart every message has had its effect exactly once`, { timeout: 400_000 }, async () => {
      let world = await shape.create([testMigrations])
      const bus = createBus({ db: world.db, transport: world.transport, catalog: new MessageCatalog([CrashWork]), logger: testLogger, instanceId: 'sender' })
      // Acknowledged: each send has returned, so each message is durable.
      await bus.session('test').transaction(async (_, out) => {
        for (let n = 0; n < total; n++) out.send(CrashWork, { n })
      })
      await world.close()

      const killed = await runWorker(world.settings, 300)
      assert.equal(killed.signal, 'SIGKILL', 'the worker was killed, not finished')
      assert.ok(killed.lastHandled < total, `killed mid-batch (after ${killed.lastHandled})`)

      const restarted = await runWorker(world.settings)
      assert.equal(restarted.code, 0, 'the restarted worker finished the batch')

      world = await world.reopen()
      const counts = (await world.db.query<{ key: string; n: number }>(
        `select key, count(*)::int as n from test.effects where kind = 'crash' group by key`)).rows
      assert.equal(counts.length, total, 'no message lost')
      assert.deepEqual(counts.filter((c) => c.n !== 1), [], 'no message had its effect twice')
      assert.equal((await world.db.query(`select 1 from messaging.queue where queue = 'crash-worker'`)).rowCount, 0)
      assert.equal((await world.db.query('select 1 from messaging.failed_messages')).rowCount, 0)
      await world.destroy()
    })
  })
}
