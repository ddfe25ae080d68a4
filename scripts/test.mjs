// Runs every *.spec.ts under src/ and test/ with node's test runner (Node 20 does not expand globs).
// Usage: npm test [-- filter]   e.g. npm test -- messaging   runs the files whose path contains "messaging".
//
// Each file runs in its own process, one after another, under two limits: a test that runs longer than
// POPCORN_TEST_TIMEOUT_MS (default 10 minutes) fails, and a file whose process is still alive
// POPCORN_TEST_FILE_TIMEOUT_MS (default 20 minutes) after it started is killed with everything it spawned
// and counted as failed. A hang therefore fails one file by name instead of eating the whole CI run.
// The summary at the end lists every file with its outcome and its time.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.spec.ts') ? [path] : []
  })

const milliseconds = (name, fallback) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive whole number of milliseconds, not "${raw}"`)
    process.exit(2)
  }
  return value
}
const testTimeout = milliseconds('POPCORN_TEST_TIMEOUT_MS', 10 * 60_000)
const fileTimeout = milliseconds('POPCORN_TEST_FILE_TIMEOUT_MS', 20 * 60_000)

const filters = process.argv.slice(2)
const files = ['src', 'test']
  .flatMap((dir) => { try { return walk(dir) } catch { return [] } })
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort()

if (files.length === 0) {
  console.error(`no spec files match ${filters.join(' ')}`)
  process.exit(1)
}

const runFile = (file) =>
  new Promise((resolve) => {
    const started = Date.now()
    // detached: the file gets a process group of its own, so a kill reaches the servers and workers it started.
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-timeout=${testTimeout}`, file], {
      stdio: 'inherit',
      detached: true,
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      console.error(`\n# ${file} still running after ${fileTimeout / 1000} s: killing it and everything it started`)
      try { process.kill(-child.pid, 'SIGKILL') } catch { child.kill('SIGKILL') }
    }, fileTimeout)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      // Whatever the file started and left behind goes with it.
      try { process.kill(-child.pid, 'SIGKILL') } catch {}
      const outcome = timedOut ? 'timed out' : code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`
      resolve({ file, outcome, seconds: (Date.now() - started) / 1000 })
    })
  })

const results = []
for (const [index, file] of files.entries()) {
  console.log(`# file ${index + 1}/${files.length}: ${file}`)
  const result = await runFile(file)
  console.log(`# ${result.outcome}: ${file} in ${result.seconds.toFixed(1)} s`)
  results.push(result)
}

const failed = results.filter((r) => r.outcome !== 'passed')
const total = results.reduce((sum, r) => sum + r.seconds, 0)
console.log(`\n# ${results.length} files in ${total.toFixed(0)} s; ${failed.length} did not pass`)
for (const r of results) console.log(`#   ${r.outcome.padEnd(16)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.file}`)
process.exit(failed.length === 0 ? 0 : 1)
