import { Writable } from 'node:stream'
import { pino } from 'pino'

/** A logger whose lines a test can wait for: "the duplicate was seen and dropped" is a fact the bus logs. */
export const capturingLogger = () => {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines, said: (msg: string) => lines.filter((line) => line.msg === msg) }
}
