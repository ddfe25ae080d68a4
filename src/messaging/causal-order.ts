/** What ordering a conversation needs of each of its messages. */
export interface Step {
  readonly messageId: string
  readonly causationId: string | null
  /** The endpoint that sent it: of the copies of its cause (an event handled by several), the one it came from. */
  readonly sentBy: string | null
  /** The endpoint whose queue it is in (null while it waits for a topic's subscribers). */
  readonly endpoint: string | null
  /** When it was sent; when unknown, when it was handled or failed. */
  readonly at: string | null
}

const byTime = (a: Step, b: Step) =>
  (a.at ?? '').localeCompare(b.at ?? '') || a.messageId.localeCompare(b.messageId) || (a.endpoint ?? '').localeCompare(b.endpoint ?? '')

/**
 * A conversation's messages in causal order: each after the message that caused it (the copy handled where it was
 * sent from, when an event had several), otherwise by time. A message whose cause is not among them (it started the
 * conversation, or its cause was pruned) is ready at once. Returns each with its depth: how many causes it has above
 * it among them. Clocks of different processes disagree a little, which is why time only breaks ties.
 */
export const causalOrder = <S extends Step>(steps: readonly S[]): (S & { readonly depth: number })[] => {
  const copies = new Map<string, S[]>()
  for (const step of steps) copies.set(step.messageId, [...(copies.get(step.messageId) ?? []), step])
  const causeOf = (step: S): S | undefined => {
    const candidates = step.causationId === null ? undefined : copies.get(step.causationId)?.filter((c) => c !== step)
    return candidates?.find((c) => c.endpoint === step.sentBy) ?? candidates?.[0]
  }
  const causes = new Map(steps.map((step) => [step, causeOf(step)]))
  const waiting = [...steps].sort(byTime)
  const depths = new Map<S, number>()
  const ordered: (S & { depth: number })[] = []
  while (waiting.length) {
    // The earliest whose cause is out already; with none (a cycle, which causation cannot make), the earliest.
    let index = waiting.findIndex((step) => {
      const cause = causes.get(step)
      return !cause || depths.has(cause)
    })
    if (index < 0) index = 0
    const [step] = waiting.splice(index, 1) as [S]
    const cause = causes.get(step)
    const depth = cause && depths.has(cause) ? depths.get(cause)! + 1 : 0
    depths.set(step, depth)
    ordered.push({ ...step, depth })
  }
  return ordered
}
