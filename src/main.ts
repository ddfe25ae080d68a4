import { ConfigError, loadConfig } from './config.ts'
import { startPopcorn, type Role } from './runtime.ts'

const usage = `usage: popcorn <start|web|worker>
  start   the embedded shape: web server and every endpoint in one process (PGlite in ./data by default)
  web     a web node of the scale-out shape (needs POPCORN_DATABASE_URL=postgres://…)
  worker  a worker of the scale-out shape: runs the endpoints (needs POPCORN_DATABASE_URL=postgres://…)`

const roles: readonly Role[] = ['start', 'web', 'worker']

const main = async () => {
  const role = process.argv[2] as Role
  if (!roles.includes(role)) {
    console.error(usage)
    process.exit(2)
  }
  const running = await startPopcorn(loadConfig(), role)
  if (running.metricsUrl) console.log(`Popcorn (${role}) serves its metrics at ${running.metricsUrl}`)
  console.log(running.url ? `Popcorn (${role}) is running and serving ${running.url}` : `Popcorn (${role}) is running`)
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130) // a second signal: stop waiting
      stopping = true
      console.log(`${signal}: finishing what is in hand, then stopping (again to force)`)
      running.stop().then(() => process.exit(0), (error) => {
        console.error(error)
        process.exit(1)
      })
    })
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(error instanceof ConfigError ? 2 : 1)
})
