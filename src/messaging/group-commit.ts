export interface GroupCommitSettings {
  /** How long a group waits for company after its first member arrives, in milliseconds; 0 commits each alone. */
  readonly windowMs: number
  /** A group this large commits at once, without waiting for its window to close; 1 commits each alone. */
  readonly max: number
  /** Closes a group's window after `ms`; returns how to cancel. `setTimeout` unless a test decides the moment itself. */
  readonly timer?: (close: () => void, ms: number) => () => void
}

/** Runs members in one transaction: every result in order, or it throws and nothing was committed. */
export type CommitTogether<M> = (members: readonly M[]) => Promise<unknown[]>

interface Waiting<M> {
  readonly member: M
  resolve(result: unknown): void
  reject(error: unknown): void
}

interface Group<M> {
  readonly members: Waiting<M>[]
  cancel: () => void
}

const setTimer = (close: () => void, ms: number) => {
  const timer = setTimeout(close, ms)
  return () => clearTimeout(timer)
}

/**
 * Group commit: members arriving within a short window (or until there are `max` of them) share one transaction,
 * and so one commit, one flush and one round of broker confirms. Each caller is answered only after its commit.
 *
 * When the shared transaction fails, it is rolled back and each member runs again alone, in its own transaction, so
 * only the one at fault fails. Savepoints would isolate a member without running its neighbours twice, but they cost
 * two more round trips for every member of every group, to guard against what is rare: input is judged before a
 * member joins, so what fails here is mostly the database itself (a lost connection, a failed commit), which a
 * savepoint would not contain either. A member's work may therefore run more than once, as a handler's does under
 * retries: it touches only its transaction and its outbox.
 */
export class GroupCommit<M> {
  private open: Group<M> | undefined

  constructor(
    private readonly commit: CommitTogether<M>,
    private readonly settings: GroupCommitSettings,
  ) {}

  add(member: M): Promise<unknown> {
    if (this.settings.windowMs <= 0 || this.settings.max <= 1) return this.alone(member)
    return new Promise((resolve, reject) => {
      const group = (this.open ??= this.opened())
      group.members.push({ member, resolve, reject })
      if (group.members.length >= this.settings.max) this.close(group)
    })
  }

  private opened(): Group<M> {
    const group: Group<M> = { members: [], cancel: () => {} }
    group.cancel = (this.settings.timer ?? setTimer)(() => this.close(group), this.settings.windowMs)
    return group
  }

  private close(group: Group<M>) {
    if (this.open !== group) return
    this.open = undefined
    group.cancel()
    void this.run(group.members)
  }

  private async run(members: readonly Waiting<M>[]) {
    if (members.length === 1) return this.settle(members[0]!)
    let results: unknown[]
    try {
      results = await this.commit(members.map((m) => m.member))
    } catch {
      await Promise.all(members.map((m) => this.settle(m)))
      return
    }
    members.forEach((m, i) => m.resolve(results[i]))
  }

  private settle(waiting: Waiting<M>) {
    return this.alone(waiting.member).then(waiting.resolve, waiting.reject)
  }

  private async alone(member: M) {
    return (await this.commit([member]))[0]
  }
}
