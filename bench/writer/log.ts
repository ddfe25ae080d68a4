import { pino } from 'pino'

const levelNames: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' }

/** What a process logged at warn and above: counts by level and message, and the first few lines in full. */
export interface Logged {
  readonly counts: Record<string, number>
  readonly samples: readonly string[]
}

/** A logger at warn that keeps count of what it was told (by level and message) and the first few lines in full. */
export const countingLogger = () => {
  const counts: Record<string, number> = {}
  const samples: string[] = []
  const logger = pino({ level: 'warn' }, {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string }
        const key = `${levelNames[entry.level ?? 0] ?? entry.level}: ${entry.msg ?? '?'}`
        counts[key] = (counts[key] ?? 0) + 1
        if (samples.length < 5) samples.push(line.trim().slice(0, 2_000))
      } catch {
        // not a log line
      }
    },
  })
  return { logger, problems: (): Logged => ({ counts: { ...counts }, samples: [...samples] }) }
}
