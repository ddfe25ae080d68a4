/**
 * What the workers can take, in people per second. Their handled rate measures it only while they are busy, so
 * the estimate remembers the best recent second and lets it fade (halving every `halfLifeMs`) rather than
 * following a quiet minute down; and it never drops below a floor, so that an idle system does not queue one visitor.
 */
export interface RememberedCapacity {
  readonly rate: number
  readonly at: Date
}

export interface CapacitySettings {
  readonly floor: number
  readonly halfLifeMs: number
}

export const faded = (remembered: RememberedCapacity, now: Date, settings: CapacitySettings) =>
  remembered.rate * 0.5 ** (Math.max(0, now.getTime() - remembered.at.getTime()) / settings.halfLifeMs)

/** The remembered best after a new measure: the seconds just handled (whole seconds, oldest first). */
export const remember = (remembered: RememberedCapacity, handledPerSecond: readonly number[], now: Date, settings: CapacitySettings): RememberedCapacity => ({
  rate: Math.max(faded(remembered, now, settings), ...handledPerSecond),
  at: now.getTime() > remembered.at.getTime() ? now : remembered.at,
})

export const capacityOf = (remembered: RememberedCapacity, now: Date, settings: CapacitySettings) =>
  Math.max(settings.floor, faded(remembered, now, settings))
