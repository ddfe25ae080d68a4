// Runs every *.spec.ts under src/ and test/ with node's test runner (Node 20 does not expand globs).
// Usage: npm test [-- filter]   e.g. npm test -- messaging   runs the files whose path contains "messaging".
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.spec.ts') ? [path] : []
  })

const filters = process.argv.slice(2)
const files = ['src', 'test']
  .flatMap((dir) => { try { return walk(dir) } catch { return [] } })
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort()

if (files.length === 0) {
  console.error(`no spec files match ${filters.join(' ')}`)
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)
