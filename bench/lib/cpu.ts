import { readFileSync } from 'node:fs'

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
 * CPU seconds each process spent between start and `stop()`, beside the wall-clock seconds: on a shared machine,
 * who used the cores during a phase (this process included, as "bench").
 */
export const startCpuMeter = (pids: Readonly<Record<string, number | undefined>>) => {
  const ownStart = process.cpuUsage()
  const wallStart = performance.now()
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : cpuMsOf(pid)]))
  return {
    stop() {
      const own = process.cpuUsage(ownStart)
      const seconds = (ms: number) => Math.round(ms) / 1000
      const used: Record<string, number> = { bench: seconds((own.user + own.system) / 1000) }
      for (const [name, pid] of Object.entries(pids)) {
        const now = pid === undefined ? undefined : cpuMsOf(pid)
        if (now !== undefined && before[name] !== undefined) used[name] = seconds(now - before[name]!)
      }
      return { wallSeconds: seconds(performance.now() - wallStart), cpuSeconds: used }
    },
  }
}
