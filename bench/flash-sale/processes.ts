import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface NodeProcess {
  readonly name: string
  readonly child: ChildProcess
  /** Resolves with the URL it prints (`… serving http://…`), or rejects with its output if it exits first. */
  readonly served: Promise<string>
  /** Resolves once it printed a line matching `ready`. */
  readonly ready: Promise<void>
  /** The last few kilobytes it printed, for a failure's message. */
  output(): string
  /** Its log lines at warn and above (pino JSON), counted by level and message, with the first few in full. */
  problems(): { readonly counts: Record<string, number>; readonly samples: readonly string[] }
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

const keep = 16_384
const levelNames: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' }

/** Runs a TypeScript entry point as its own Node process (through tsx), the way a person or a supervisor would. */
export const startNodeProcess = (name: string, entry: string, args: readonly string[], env: Record<string, string>, ready = /serving http/): NodeProcess => {
  // POPCORN_BENCH_PROFILE_DIR: each process the bench starts writes a CPU profile there when it exits (node --cpu-prof).
  const profile = process.env.POPCORN_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.POPCORN_BENCH_PROFILE_DIR}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const remember = (text: string) => (output = (output + text).slice(-keep))
  child.stderr!.on('data', (chunk: Buffer) => remember(chunk.toString()))
  const lines = createInterface({ input: child.stdout! })
  const counts: Record<string, number> = {}
  const samples: string[] = []
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string }
      if ((entry.level ?? 0) < 40) return
      const key = `${levelNames[entry.level!] ?? entry.level}: ${entry.msg ?? '?'}`
      counts[key] = (counts[key] ?? 0) + 1
      if (samples.length < 5) samples.push(line.slice(0, 2_000))
    } catch {
      // not a log line
    }
  })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const died = () => new Error(`${name} exited (${child.exitCode ?? child.signalCode}) early:\n${output}`)
  const served = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      remember(`${line}\n`)
      const match = /serving (http:\/\/\S+)/.exec(line)
      if (match) resolve(match[1]!)
    })
    void exited.then(() => reject(died()))
  })
  const isReady = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => ready.test(line) && resolve())
    void exited.then(() => reject(died()))
  })
  served.catch(() => {})
  isReady.catch(() => {})
  return {
    name,
    child,
    served,
    ready: isReady,
    output: () => output,
    problems: () => ({ counts: { ...counts }, samples: [...samples] }),
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}
