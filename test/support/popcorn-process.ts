import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { testDefaults } from './visitor.ts'

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export interface PopcornProcess {
  readonly child: ChildProcess
  /** Resolves with the exit code and everything it printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>
  /** Resolves with the URL it serves (web roles), or rejects with its output if it exits first. */
  readonly served: Promise<string>
  /** Resolves once it logged that it runs (any role). */
  readonly running: Promise<void>
  output(): string
}

/** Runs `popcorn <role>` as a real process, the way a person or a supervisor would. */
export const startPopcornProcess = (role: 'start' | 'web' | 'worker', env: Record<string, string>): PopcornProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', main, role], { env: { ...process.env, POPCORN_LOG_LEVEL: 'info', ...testDefaults, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (chunk) => (output += chunk))
  const lines = createInterface({ input: child.stdout! })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, output }))) // close: after stdout and stderr are drained
  const served = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /serving (http:\/\/\S+)/.exec(line)
      if (match) resolve(match[1]!)
    })
    void exited.then((e) => reject(new Error(`popcorn ${role} exited (${e.code ?? e.signal}) before serving:\n${e.output}`)))
  })
  const running = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      output += `${line}\n`
      if (/^Popcorn \(\w+\) is running/.test(line)) resolve()
    })
    void exited.then((e) => reject(new Error(`popcorn ${role} exited (${e.code ?? e.signal}) before running:\n${e.output}`)))
  })
  served.catch(() => {})
  running.catch(() => {})
  return { child, exited, served, running, output: () => output }
}
