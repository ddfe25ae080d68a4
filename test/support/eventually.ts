/**
 * Polls until `check` passes or the bound runs out; the bound is generous and never a claim about speed.
 * Give every `assert.ok` in a check a message: without one, Node builds it by parsing the test's source around the
 * call, which under tsx (the source maps shift the columns) can block the process for minutes on each failed poll.
 */
export const eventually = async <T>(check: () => Promise<T> | T, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  let lastError: unknown
  for (;;) {
    try {
      return await check()
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting${options.what ? ` for ${options.what}` : ''}: ${lastError instanceof Error ? lastError.message : String(lastError)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25))
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
