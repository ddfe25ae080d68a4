import { readFileSync } from 'node:fs'

/** Resident memory of a process in bytes, from /proc; undefined where there is none. */
export const rssOf = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
