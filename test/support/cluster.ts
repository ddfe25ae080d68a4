import type { Shape } from './shapes.ts'
import { eventually } from './eventually.ts'
import { startPopcornProcess, type PopcornProcess } from './popcorn-process.ts'

/** Real `popcorn web` and `popcorn worker` processes on one shape's fresh PostgreSQL (and RabbitMQ namespace). */
/** `settings`: more environment for every process (POPCORN_BATCH_SIZE, say). */
export const startCluster = async (shape: Shape, counts: { web: number; worker: number }, settings: Record<string, string> = {}) => {
  const world = await shape.create()
  await world.close()
  const { databaseUrl, brokerUrl, namespace } = world.settings
  const env = {
    POPCORN_DATABASE_URL: databaseUrl,
    POPCORN_LOG_LEVEL: process.env.POPCORN_TEST_LOG ?? 'warn',
    POPCORN_LEASE_MS: '3000',
    ...(brokerUrl && { POPCORN_BROKER_URL: brokerUrl, POPCORN_BROKER_NAMESPACE: namespace! }),
    ...settings,
  }
  const workers: PopcornProcess[] = []
  const startWorker = async () => {
    const worker = startPopcornProcess('worker', env)
    await worker.running
    workers.push(worker)
    return worker
  }
  for (let i = 0; i < counts.worker; i++) await startWorker()
  const webs = Array.from({ length: counts.web }, () => startPopcornProcess('web', { ...env, PORT: '0' }))
  const urls = await Promise.all(webs.map((web) => web.served))
  return {
    urls,
    webs,
    workers,
    /** Every process it started that has exited (none should have), with how. */
    exited: () => [...webs, ...workers].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null)
      .map((p) => `${p.child.pid}: ${p.child.exitCode ?? p.child.signalCode}\n${p.output().split('\n').slice(-45).join('\n')}`),
    /** Where its database (and broker) are, for a test that opens them itself. */
    settings: world.settings,
    startWorker,
    /** Waits until ordering has opened the showtime (the catalog's seed, through the bus), and says how many seats. */
    seatsOf: (showtimeId: string) =>
      eventually(async () => {
        const response = await fetch(`${urls[0]}/api/showtimes/${showtimeId}/seats`)
        if (!response.ok) throw new Error(`showtime ${showtimeId} not open yet`)
        return (await response.json()) as { capacity: number; seatsLeft: number }
      }, { timeoutMs: 60_000, what: `showtime ${showtimeId} to open` }),
    async stop() {
      for (const process of [...webs, ...workers]) if (process.child.exitCode === null) process.child.kill('SIGTERM')
      await Promise.all([...webs, ...workers].map((process) => process.exited))
      const again = await world.reopen()
      await again.destroy()
    },
  }
}
