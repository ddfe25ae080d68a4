import { cpus, loadavg, totalmem, release, platform } from 'node:os'

/** What the figures were measured on: only ratios within one run compare across machines. */
export const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  node: process.version,
})
