import { z } from 'zod'

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]']

/** The bench sends load to this machine only. */
export const isLoopback = (url: string) => {
  const host = new URL(url).hostname
  return loopbackHosts.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export const onThisMachine = (protocol: RegExp, example: string) =>
  z.url({ protocol, error: `must be a URL like ${example}` })
    .refine(isLoopback, `must point at this machine (127.0.0.1, localhost or [::1]): the bench sends load nowhere else`)

export const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback)

/** The POPCORN_BENCH_* variables that are set (an empty one counts as unset). */
export const benchVariables = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('POPCORN_BENCH_') && value !== ''))
