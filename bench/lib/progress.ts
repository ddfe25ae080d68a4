const tty = process.stdout.isTTY

/**
 * One line per phase with a running count: rewritten in place on a terminal, printed every few seconds
 * otherwise (a log file, a background run), and once more, final, when the phase ends.
 */
export const startProgress = (label: string, status: () => string, everyMs = tty ? 250 : 2_000) => {
  const started = performance.now()
  const line = () => `  ${label}  ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s  ${status()}`
  const timer = setInterval(() => (tty ? process.stdout.write(`\r${line()}\x1b[K`) : console.log(line())), everyMs)
  return {
    done(summary = '') {
      clearInterval(timer)
      const final = `${line()}${summary && `  → ${summary}`}`
      if (tty) process.stdout.write(`\r${final}\x1b[K\n`)
      else console.log(final)
    },
  }
}
