/**
 * A waiting room's rules, as plain functions of its state and the time (always passed in). A place holds a number
 * from the room's own sequence, in order of joining; the room lets people through by moving a watermark,
 * `admittedThrough`, at the outflow rate. Everyone numbered at or below it has been let through.
 */

export const modes = ['auto', 'on', 'off'] as const
export type Mode = (typeof modes)[number]

export interface Room {
  readonly showtimeId: string
  /** `auto` switches itself on and off; `on` and `off` are the admin's. */
  readonly mode: Mode
  /** The admin's outflow in people per second; null follows the workers' measured capacity. */
  readonly fixedRate: number | null
  readonly active: boolean
  /** The outflow in people per second, as of the last tick. */
  readonly rate: number
  /**
   * Where the outflow stops doubling and grows by steps instead: the rate it was cut to when the writers last fell
   * behind. Null until they do, after switching on (the outflow then doubles each second while people wait).
   */
  readonly rateCeiling: number | null
  readonly admittedThrough: number
  /** The part of a person the outflow has earned and not yet let through (0 ≤ credit < 1 while people wait). */
  readonly credit: number
  /** The highest place number at the last tick: arrivals are the numbers given out since. */
  readonly numberAtTick: number
  readonly arrivalsPerSecond: number
  /** Since when an active room in `auto` has had nobody waiting and arrivals below capacity. */
  readonly calmSince: Date | null
  readonly tickedAt: Date
}

export interface Place {
  readonly showtimeId: string
  readonly number: number
  readonly browserSession: string
  readonly joinedAt: Date
  /** The watermark when this place was taken: progress is measured from there. */
  readonly throughAtJoin: number
  readonly admittedAt: Date | null
}

export interface RoomSettings {
  /** How long a place that was let through may order. */
  readonly admissionMs: number
  /** How long an `auto` room stays calm (drained, arrivals below capacity) before it switches off. */
  readonly calmMs: number
  /** The longest stretch one tick lets people through for: a room nobody ticked for a while does not burst. */
  readonly maxAdvanceMs: number
  /** Arrivals since the last tick are counted over at most this long: a room not written while idle has a stale tick time. */
  readonly arrivalWindowMs: number
  /** How quickly the arrival rate follows a change (the time constant of its moving average). */
  readonly arrivalsSmoothingMs: number
  /** The outflow, never below this many people per second. */
  readonly floor: number
  /** The longest the writers' orders may wait for their writer (90th percentile) before the outflow is cut. */
  readonly targetWaitMs: number
  /** Above its ceiling, the outflow grows by this many people per second, each second that people wait. */
  readonly increasePerSecond: number
  /** While the writers' orders wait too long, the outflow is multiplied by this each second (0 < it < 1). */
  readonly decreasePerSecond: number
}

export interface PlaceStatus {
  readonly showtimeId: string
  readonly active: boolean
  readonly admitted: boolean
  /** People still waiting ahead, plus one; 0 once admitted. */
  readonly position: number
  /** Position over outflow, rounded up; 0 once admitted; -1 while the outflow is 0 (the room is paused). */
  readonly etaSeconds: number
  /** The part of the way from joining to one's turn, 0 to 1. */
  readonly progress: number
  readonly ratePerSecond: number
  /** Until when an admitted place may order (ISO); null when not admitted, or let in by an inactive room. */
  readonly admittedUntil: string | null
}

/** A place let through whose admission window has passed: its turn is over; joining again queues anew. */
export const turnHasPassed = (place: Place, now: Date, settings: Pick<RoomSettings, 'admissionMs'>) =>
  place.admittedAt !== null && now.getTime() >= place.admittedAt.getTime() + settings.admissionMs

/**
 * Let through: its admission time is written, or the watermark has passed it (a join still committing while a tick
 * moved past its number gets its time written when next seen), or the room is not on at all.
 */
export const isAdmitted = (room: Room, place: Place) => place.admittedAt !== null || place.number <= room.admittedThrough || !room.active

export const statusOf = (room: Room, place: Place, settings: Pick<RoomSettings, 'admissionMs'>): PlaceStatus => {
  const admitted = isAdmitted(room, place)
  const position = admitted ? 0 : Math.max(1, place.number - room.admittedThrough)
  const firstPosition = Math.max(1, place.number - place.throughAtJoin)
  return {
    showtimeId: room.showtimeId,
    active: room.active,
    admitted,
    position,
    etaSeconds: admitted ? 0 : room.rate > 0 ? Math.ceil(position / room.rate) : -1,
    progress: admitted ? 1 : Math.min(1, Math.max(0, (firstPosition - position) / firstPosition)),
    ratePerSecond: room.rate,
    admittedUntil: place.admittedAt ? new Date(place.admittedAt.getTime() + settings.admissionMs).toISOString() : null,
  }
}

export interface Measures {
  /** The highest place number given out so far. */
  readonly lastNumber: number
  /** What the workers take, in people per second (the remembered estimate, never below its floor): where an outflow starts. */
  readonly capacity: number
  /** How long the orders the writers decided in the last second had waited for them (90th percentile); null: none decided. */
  readonly waitedMs: number | null
  /** The showing has no seat left as its writer last decided: there is nothing to queue for. */
  readonly soldOut?: boolean
}

/**
 * The outflow for the next stretch, probing for what the writers really take (AIMD, as TCP probes a path, graded by
 * how long their orders wait, as delay-based congestion control does): cut by `decreasePerSecond` while their orders
 * wait longer than the target, which becomes the ceiling; while they wait less than half the target there is plenty
 * of room, whatever cut came before (a burst of connections can slow the path for a few seconds and then leave it
 * free), so the ceiling is forgotten and the outflow doubles each second; in between, below the ceiling it doubles,
 * above it it grows by `increasePerSecond` each second. Only while people wait: an outflow nobody uses proves nothing.
 */
export const probedOutflow = (room: Room, waitedMs: number | null, peopleWait: boolean, elapsedMs: number, settings: RoomSettings): Pick<Room, 'rate' | 'rateCeiling'> => {
  const seconds = Math.min(elapsedMs, settings.maxAdvanceMs) / 1000
  // No time passed for this tick (a node whose clock is behind the last one): nothing to probe, the cut included.
  if (seconds === 0) return { rate: room.rate, rateCeiling: room.rateCeiling }
  if (waitedMs !== null && waitedMs > settings.targetWaitMs) {
    const rate = Math.max(settings.floor, room.rate * settings.decreasePerSecond ** seconds)
    return { rate, rateCeiling: rate }
  }
  if (!peopleWait) return { rate: room.rate, rateCeiling: room.rateCeiling }
  const headroom = waitedMs !== null && waitedMs <= settings.targetWaitMs / 2
  const ceiling = headroom ? Number.POSITIVE_INFINITY : (room.rateCeiling ?? Number.POSITIVE_INFINITY)
  const rate = room.rate < ceiling
    ? Math.min(ceiling, Math.max(room.rate * 2 ** seconds, room.rate + settings.increasePerSecond * seconds))
    : room.rate + settings.increasePerSecond * seconds
  return { rate: Math.max(settings.floor, rate), rateCeiling: headroom ? null : room.rateCeiling }
}

const sameMoment = (a: Date | null, b: Date | null) => (a === null ? b === null : b !== null && a.getTime() === b.getTime())

/** The state a room should be in after its settings are in force: nothing changed but the switch and the rate. */
const switched = (room: Room, measures: Measures, now: Date, settings: RoomSettings): Room => {
  // Switched on, an outflow starts from what the writers were measured to take; while on, it probes from there.
  const startRate = room.fixedRate ?? measures.capacity
  // A room switching itself lets everyone through once its showing is sold out: the order page says so at once, and
  // a queue would only keep people from hearing it. (An admin's "on" stays on.)
  const shouldBeActive =
    room.mode === 'on' ? true
    : room.mode === 'off' ? false
    : measures.soldOut === true ? false
    : room.active ? !(room.calmSince !== null && now.getTime() - room.calmSince.getTime() >= settings.calmMs)
    : room.arrivalsPerSecond > measures.capacity
  // Switching on or off, everyone numbered so far was let in (or is let in now): the queue starts behind them.
  // An inactive room keeps its last rate: the estimate moves every tick, and an idle room is not rewritten for it.
  if (!shouldBeActive) return { ...room, active: false, admittedThrough: Math.max(room.admittedThrough, measures.lastNumber), credit: 0, calmSince: null, rateCeiling: null }
  if (!room.active) return { ...room, rate: startRate, rateCeiling: null, active: true, admittedThrough: Math.max(room.admittedThrough, measures.lastNumber), credit: 0, calmSince: null }
  return { ...room, rate: room.fixedRate ?? room.rate }
}

/**
 * One tick: measure arrivals, let people through for the time since the last tick, switch on or off. Every web
 * node ticks, but the time comes from the stored `tickedAt` and a tick is written only over the state it read, so
 * the outflow is never counted twice.
 */
export const tickRoom = (room: Room, measures: Measures, now: Date, settings: RoomSettings): Room => {
  const elapsedMs = Math.max(0, now.getTime() - room.tickedAt.getTime())
  const arrived = Math.max(0, measures.lastNumber - room.numberAtTick)
  const windowMs = Math.min(Math.max(elapsedMs, 1), settings.arrivalWindowMs)
  const weight = 1 - Math.exp(-Math.min(elapsedMs, settings.arrivalWindowMs) / settings.arrivalsSmoothingMs)
  const smoothed = weight * (arrived / (windowMs / 1000)) + (1 - weight) * room.arrivalsPerSecond
  const measured: Room = { ...room, arrivalsPerSecond: smoothed < 0.001 ? 0 : smoothed, numberAtTick: Math.max(room.numberAtTick, measures.lastNumber), tickedAt: now.getTime() > room.tickedAt.getTime() ? now : room.tickedAt }

  let next = measured
  if (room.active) {
    const rate = room.fixedRate ?? room.rate
    const credit = room.credit + (rate * Math.min(elapsedMs, settings.maxAdvanceMs)) / 1000
    const through = Math.min(measures.lastNumber, room.admittedThrough + Math.floor(credit))
    // Credit is not saved up while nobody waits: the next crowd would burst through on it.
    const drained = through >= measures.lastNumber
    next = { ...next, admittedThrough: Math.max(room.admittedThrough, through), credit: drained ? 0 : credit - Math.floor(credit) }
    if (room.fixedRate === null) next = { ...next, ...probedOutflow(room, measures.waitedMs, !drained, elapsedMs, settings) }
    if (room.mode === 'auto') {
      const calm = drained && next.arrivalsPerSecond < measures.capacity
      next = { ...next, calmSince: calm ? (room.calmSince ?? now) : null }
    }
  }
  return switched(next, measures, now, settings)
}

/** What the admin sets: the time until now is settled under the old settings, then the new ones take effect. */
export const applyMode = (room: Room, change: { readonly mode: Mode; readonly fixedRate: number | null }, measures: Measures, now: Date, settings: RoomSettings): Room =>
  switched({ ...tickRoom(room, measures, now, settings), mode: change.mode, fixedRate: change.fixedRate, calmSince: null }, measures, now, settings)

/**
 * A tick worth writing: a quiet, inactive room that nothing happened to is left alone (no write per idle room per
 * tick); an active one is written each time its time moves on. A node whose clock is behind the last tick changes
 * nothing, and writing it anyway would only take the turn of a node's tick that does.
 */
export const tickChanged = (before: Room, after: Room) =>
  before.active !== after.active ||
  (after.active && after.tickedAt.getTime() !== before.tickedAt.getTime()) ||
  before.credit !== after.credit ||
  before.admittedThrough !== after.admittedThrough ||
  before.numberAtTick !== after.numberAtTick ||
  before.arrivalsPerSecond !== after.arrivalsPerSecond ||
  before.rate !== after.rate ||
  before.rateCeiling !== after.rateCeiling ||
  !sameMoment(before.calmSince, after.calmSince)

/** People waiting: numbers given out beyond the watermark (a number lost to a failed join is counted until passed). */
export const waitingIn = (room: Room, lastNumber: number) => (room.active ? Math.max(0, lastNumber - room.admittedThrough) : 0)
