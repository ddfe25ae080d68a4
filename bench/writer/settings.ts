import { parseArgs } from 'node:util'
import { z } from 'zod'
import { benchVariables, count, onThisMachine } from '../lib/env.ts'

export const shapeIds = ['embedded', 'postgres-dbqueue', 'postgres-rabbitmq'] as const
export type ShapeId = (typeof shapeIds)[number]

const schema = z.object({
  POPCORN_BENCH_ORDERS: count(100, 200_000, 20_000),
  POPCORN_BENCH_CHUNK: count(1, 1_000, 200),
  POPCORN_BENCH_WINDOW: count(1, 50_000, 4_000),
  POPCORN_BENCH_PRODUCERS: count(1, 8, 2),
  POPCORN_BENCH_NAIVE_CLIENTS: count(1, 64, 8),
  POPCORN_BENCH_DEADLINE_SECONDS: count(10, 1_800, 300),
  POPCORN_BENCH_SHAPES: z.string().default(shapeIds.join(','))
    .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(shapeIds, `each one of ${shapeIds.join(', ')}`)).min(1)),
  POPCORN_BENCH_DATABASE_URL: onThisMachine(/^postgres(ql)?$/, 'postgres://postgres@127.0.0.1:5432/postgres').default('postgres://postgres@127.0.0.1:5432/postgres'),
  POPCORN_BENCH_BROKER_URL: onThisMachine(/^amqps?$/, 'amqp://guest:guest@127.0.0.1:5672').default('amqp://guest:guest@127.0.0.1:5672'),
}).refine((s) => s.POPCORN_BENCH_CHUNK <= s.POPCORN_BENCH_WINDOW, { message: 'the chunk must fit in the window', path: ['POPCORN_BENCH_CHUNK'] })

/** `--orders=2000` is POPCORN_BENCH_ORDERS=2000, and so on; a flag wins over the variable. */
const flags = {
  orders: 'POPCORN_BENCH_ORDERS',
  chunk: 'POPCORN_BENCH_CHUNK',
  window: 'POPCORN_BENCH_WINDOW',
  producers: 'POPCORN_BENCH_PRODUCERS',
  'naive-clients': 'POPCORN_BENCH_NAIVE_CLIENTS',
  deadline: 'POPCORN_BENCH_DEADLINE_SECONDS',
  shapes: 'POPCORN_BENCH_SHAPES',
} as const

export const usage = `usage: npm run bench:writer -- [--orders=20000] [--shapes=${shapeIds.join(',')}]
       [--chunk=200] [--window=4000] [--producers=2] [--naive-clients=8] [--deadline=300]
  (or the same as POPCORN_BENCH_ORDERS, _SHAPES, _CHUNK, _WINDOW, _PRODUCERS, _NAIVE_CLIENTS, _DEADLINE_SECONDS;
   POPCORN_BENCH_DATABASE_URL and POPCORN_BENCH_BROKER_URL say where PostgreSQL and RabbitMQ are, on this machine)`

/** The bench's settings from flags and environment; a bad value stops it before anything starts, saying which and why. */
export const readSettings = (argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env) => {
  const { values } = parseArgs({ args: argv, options: Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }])), strict: true })
  const fromFlags = Object.fromEntries(Object.entries(values).map(([flag, value]) => [flags[flag as keyof typeof flags], value]))
  const parsed = schema.safeParse({ ...benchVariables(env), ...fromFlags })
  if (!parsed.success) throw new Error(`bad bench setting:\n${z.prettifyError(parsed.error)}\n${usage}`)
  const s = parsed.data
  return {
    /** Measured orders per subject: Popcorn's writer and the naive decision each decide this many. */
    orders: s.POPCORN_BENCH_ORDERS,
    /** Orders stored and sent per producer transaction. */
    chunk: s.POPCORN_BENCH_CHUNK,
    /** At most this many orders committed and not yet decided: the producer waits for replies beyond it. */
    window: s.POPCORN_BENCH_WINDOW,
    /** Producer transactions in flight at once (each a chunk). */
    producers: s.POPCORN_BENCH_PRODUCERS,
    /** The naive decision's concurrent clients, and its pg pool's size. */
    naiveClients: s.POPCORN_BENCH_NAIVE_CLIENTS,
    /** Per subject, from its first measured order: then it stops and reports what is missing. */
    deadlineSeconds: s.POPCORN_BENCH_DEADLINE_SECONDS,
    shapes: s.POPCORN_BENCH_SHAPES,
    databaseUrl: s.POPCORN_BENCH_DATABASE_URL,
    brokerUrl: s.POPCORN_BENCH_BROKER_URL,
    /** Far above the load: every order is a real seat reservation, none sold out. */
    capacity: 10_000_000,
    /** Unmeasured orders first, the same way, so that connections, plans and JIT are warm. */
    warmUpOrders: 200,
  }
}

export type Settings = ReturnType<typeof readSettings>
