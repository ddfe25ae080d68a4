import { z } from 'zod'
import { benchVariables, count, onThisMachine } from '../lib/env.ts'

const schema = z.object({
  POPCORN_BENCH_SECONDS: count(1, 120, 10),
  POPCORN_BENCH_RATE: count(1, 5_000, 50),
  POPCORN_BENCH_OUTSTANDING: count(1, 512, 32),
  POPCORN_BENCH_CONCURRENCY: count(1, 64, 8),
  POPCORN_BENCH_DATABASE_URL: onThisMachine(/^postgres(ql)?$/, 'postgres://postgres@127.0.0.1:5432/postgres').default('postgres://postgres@127.0.0.1:5432/postgres'),
  POPCORN_BENCH_BROKER_URL: onThisMachine(/^amqps?$/, 'amqp://guest:guest@127.0.0.1:5672').default('amqp://guest:guest@127.0.0.1:5672'),
})

/** The bench's settings from the environment; a bad value stops it before anything starts, saying which and why. */
export const readSettings = (env: NodeJS.ProcessEnv = process.env) => {
  const parsed = schema.safeParse(benchVariables(env))
  if (!parsed.success) throw new Error(`bad bench setting:\n${z.prettifyError(parsed.error)}`)
  const s = parsed.data
  return {
    seconds: s.POPCORN_BENCH_SECONDS,
    ratePerSecond: s.POPCORN_BENCH_RATE,
    outstanding: s.POPCORN_BENCH_OUTSTANDING,
    /** Messages one endpoint (or peer worker) handles at once: bus concurrency, RabbitMQ prefetch, pg-boss localConcurrency. */
    concurrency: s.POPCORN_BENCH_CONCURRENCY,
    databaseUrl: s.POPCORN_BENCH_DATABASE_URL,
    brokerUrl: s.POPCORN_BENCH_BROKER_URL,
    /** A round trip not back by then counts as failed. */
    timeoutMs: 30_000,
    warmUpRoundTrips: 50,
    /** PostgreSQL pool per subject: the round trips in flight plus both endpoints' transactions. */
    poolMax: 20,
  }
}

export type Settings = ReturnType<typeof readSettings>
