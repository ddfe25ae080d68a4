import { readdirSync, readFileSync } from 'node:fs'

/** Linux reports CPU time in clock ticks, 100 a second on every common kernel. */
const ticksPerSecond = 100

/** CPU time (user + system, ms) the process has used so far, from /proc; undefined where there is none. */
export const cpuMsOf = (pid: number): number | undefined => {
  try {
    // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return undefined
  }
}

/**
 * CPU time (ms) used so far by every process of one command name (`postgres`, RabbitMQ's `beam.smp`), with what their
 * finished children used: a PostgreSQL backend that exits leaves its time to the postmaster that reaped it. Undefined
 * where there is no /proc or no such process. On a shared machine it counts the whole server, other users included.
 */
export const cpuMsOfCommand = (command: string): number | undefined => {
  let ms: number | undefined
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ms = (ms ?? 0) + ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond
    } catch {
      // gone meanwhile
    }
  }
  return ms
}

/**
 * CPU seconds each process spent between start and `stop()`, beside the wall-clock seconds: on a shared machine,
 * who used the cores during a phase (this process included, as "bench").
 */
export const startCpuMeter = (pids: Readonly<Record<string, number | undefined>>, commands: Readonly<Record<string, string>> = {}) => {
  const ownStart = process.cpuUsage()
  const wallStart = performance.now()
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : cpuMsOf(pid)]))
  const commandsBefore = Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, cpuMsOfCommand(command)]))
  return {
    stop() {
      const own = process.cpuUsage(ownStart)
      const seconds = (ms: number) => Math.round(ms) / 1000
      const used: Record<string, number> = { bench: seconds((own.user + own.system) / 1000) }
      for (const [name, pid] of Object.entries(pids)) {
        const now = pid === undefined ? undefined : cpuMsOf(pid)
        if (now !== undefined && before[name] !== undefined) used[name] = seconds(now - before[name]!)
      }
      for (const [name, command] of Object.entries(commands)) {
        const now = cpuMsOfCommand(command)
        if (now !== undefined && commandsBefore[name] !== undefined) used[name] = seconds(now - commandsBefore[name]!)
      }
      return { wallSeconds: seconds(performance.now() - wallStart), cpuSeconds: used }
    },
  }
}
