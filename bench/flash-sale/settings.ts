import { parseArgs } from 'node:util'
import { z } from 'zod'
import { benchVariables, count, onThisMachine } from '../lib/env.ts'

/** The two seeded showings the brief names: Top Gun accepts at the edge and compensates; Dune never oversells. */
export const hotShowings = { optimistic: 'top-gun-maverick-eindhoven-1', strict: 'dune-eindhoven-1' } as const
export const drawingShowing = 'got-finale-eindhoven-1'
/** Warm-up orders go here, never to the hot showing or the drawing. */
export const warmUpShowing = 'dune-breda-1'

export const shapeIds = ['embedded', 'scale-out'] as const
export type ShapeId = (typeof shapeIds)[number]

const schema = z.object({
  // 8,000 over 2 s offer about 4,000 orders a second, many times what the naive site decides: a flash sale is a storm.
  POPCORN_BENCH_BUYERS: count(10, 20_000, 8_000),
  POPCORN_BENCH_BURST_MS: count(0, 60_000, 2_000),
  POPCORN_BENCH_DEADLINE_SECONDS: count(10, 1_800, 240),
  POPCORN_BENCH_DRAWING_PERCENT: count(0, 100, 20),
  POPCORN_BENCH_HOT: z.string().regex(/^[a-z0-9-]{1,80}$/, 'optimistic, strict, or a showtime id').default('optimistic'),
  POPCORN_BENCH_SHAPES: z.string().default(shapeIds.join(','))
    .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(shapeIds, `each one of ${shapeIds.join(', ')}`)).min(1)),
  POPCORN_BENCH_SEED: count(0, 2 ** 31, 4242),
  POPCORN_BENCH_PARTS: z.string().default('burst,ramp')
    .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['burst', 'ramp'], 'each one of burst, ramp')).min(1)),
  // The steps: 250 to 4,000 orders a second, open loop.
  POPCORN_BENCH_RAMP: z.string().default('250,500,1000,2000,4000')
    .transform((text) => text.split(',').map((s) => Number(s.trim())))
    .pipe(z.array(z.number().int().min(1).max(20_000)).min(1).max(12)
      .refine((rates) => rates.every((rate, i) => i === 0 || rate > rates[i - 1]!), 'rates going up, comma separated')),
  POPCORN_BENCH_STEP_SECONDS: count(1, 120, 10),
  POPCORN_BENCH_DATABASE_URL: onThisMachine(/^postgres(ql)?$/, 'postgres://postgres@127.0.0.1:5432/postgres').default('postgres://postgres@127.0.0.1:5432/postgres'),
  POPCORN_BENCH_BROKER_URL: onThisMachine(/^amqps?$/, 'amqp://guest:guest@127.0.0.1:5672').default('amqp://guest:guest@127.0.0.1:5672'),
})

/** `--buyers=500` is POPCORN_BENCH_BUYERS=500, and so on; a flag wins over the variable. */
const flags = {
  buyers: 'POPCORN_BENCH_BUYERS',
  'burst-ms': 'POPCORN_BENCH_BURST_MS',
  deadline: 'POPCORN_BENCH_DEADLINE_SECONDS',
  'drawing-percent': 'POPCORN_BENCH_DRAWING_PERCENT',
  hot: 'POPCORN_BENCH_HOT',
  shapes: 'POPCORN_BENCH_SHAPES',
  seed: 'POPCORN_BENCH_SEED',
  parts: 'POPCORN_BENCH_PARTS',
  ramp: 'POPCORN_BENCH_RAMP',
  'step-seconds': 'POPCORN_BENCH_STEP_SECONDS',
} as const

export const usage = `usage: npm run bench:flash-sale -- [--buyers=8000] [--hot=optimistic|strict|<showtime id>] [--shapes=embedded,scale-out]
       [--burst-ms=2000] [--deadline=240] [--drawing-percent=20] [--seed=4242]
       [--parts=burst,ramp] [--ramp=250,500,1000,2000,4000] [--step-seconds=10]
  (or the same as POPCORN_BENCH_BUYERS, _HOT, _SHAPES, _BURST_MS, _DEADLINE_SECONDS, _DRAWING_PERCENT, _SEED, _PARTS, _RAMP, _STEP_SECONDS;
   POPCORN_BENCH_DATABASE_URL and POPCORN_BENCH_BROKER_URL say where PostgreSQL and RabbitMQ are, on this machine)`

/** The bench's settings from flags and environment; a bad value stops it before anything starts, saying which and why. */
export const readSettings = (argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env) => {
  const { values } = parseArgs({ args: argv, options: Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }])), strict: true })
  const fromFlags = Object.fromEntries(Object.entries(values).map(([flag, value]) => [flags[flag as keyof typeof flags], value]))
  const parsed = schema.safeParse({ ...benchVariables(env), ...fromFlags })
  if (!parsed.success) throw new Error(`bad bench setting:\n${z.prettifyError(parsed.error)}\n${usage}`)
  const s = parsed.data
  const hot = s.POPCORN_BENCH_HOT
  return {
    /** Per subject: each Popcorn shape and each naive site gets this many buyers, in the same burst. */
    buyers: s.POPCORN_BENCH_BUYERS,
    /** Arrivals spread evenly over this long. */
    burstMs: s.POPCORN_BENCH_BURST_MS,
    /** Per subject, from the first arrival: then it stops and reports what is missing. */
    deadlineSeconds: s.POPCORN_BENCH_DEADLINE_SECONDS,
    /** Share of the buyers entering the Game of Thrones drawing instead of buying the hot showing. */
    drawingPercent: s.POPCORN_BENCH_DRAWING_PERCENT,
    hotShowing: hot in hotShowings ? hotShowings[hot as keyof typeof hotShowings] : hot,
    drawingShowing,
    warmUpShowing,
    shapes: s.POPCORN_BENCH_SHAPES,
    seed: s.POPCORN_BENCH_SEED,
    /** The burst (a connection storm through the waiting room) and the ramp (connected buyers at fixed rates). */
    parts: s.POPCORN_BENCH_PARTS,
    ramp: {
      rates: s.POPCORN_BENCH_RAMP,
      stepSeconds: s.POPCORN_BENCH_STEP_SECONDS,
      /** After a step, at most this long for its last outcomes before it is judged. */
      drainMs: 5_000,
      /** A browser session may order 20 times in 10 s: enough sessions that the top rate stays under that. */
      sockets: Math.max(100, Math.ceil((Math.max(...s.POPCORN_BENCH_RAMP) * 10) / 15)),
      /** Far more seats than the ramp's tickets (at most 4 an order). */
      capacity: 10_000_000,
      answerTimeoutMs: 15_000,
    },
    databaseUrl: s.POPCORN_BENCH_DATABASE_URL,
    brokerUrl: s.POPCORN_BENCH_BROKER_URL,
    /** A browser gives up on an acknowledgement (and the naive site's buyer on its answer) after this long. */
    answerTimeoutMs: 30_000,
    /** Everyone acknowledged and nothing new for this long: the rest is checked over HTTP rather than awaited. */
    quietMs: 10_000,
    warmUpOrders: 30,
    /** The naive site's pool: Popcorn's default (pg.Pool max 10). */
    naivePoolMax: 10,
    /** The naive site answers 503 when no connection frees up within this long. */
    naivePoolWaitMs: 10_000,
  }
}

export type Settings = ReturnType<typeof readSettings>
