import type { PlaceStatus } from './room.rules.ts'

/** A wait as people say it: "less than a minute", "about 4 minutes", "about 2 hours". */
export const waitText = (seconds: number) =>
  seconds < 0 ? 'paused for now'
  : seconds < 60 ? 'less than a minute'
  : seconds < 90 * 60 ? `about ${Math.round(seconds / 60)} minute${Math.round(seconds / 60) === 1 ? '' : 's'}`
  : `about ${Math.round(seconds / 3600)} hours`

export const turnPassed = (status: PlaceStatus, now: Date) => status.admittedUntil !== null && Date.parse(status.admittedUntil) <= now.getTime()

/** What the room page says about a place (the script says the same as the status changes). */
export const statusText = (status: PlaceStatus, now: Date) =>
  turnPassed(status, now) ? 'Your turn has passed; join the queue again.'
  : status.admitted ? 'It is your turn. Continue to your order.'
  : status.etaSeconds < 0 ? `You are number ${status.position} in the queue. The queue is paused for a moment; you keep your place.`
  : `You are number ${status.position} in the queue. Estimated wait: ${waitText(status.etaSeconds)}.`
