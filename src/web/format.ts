/** How pages write money and time: euros, and Amsterdam wall-clock time whatever the server's zone. */

const zone = 'Europe/Amsterdam'
const euros = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' })
const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' })
const longDayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' })
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { timeZone: zone })

/**
 * An e-mail address as anyone but its owner may see it: enough to recognise it, not to write to it.
 * `ada.lovelace@example.com` → `a•••@e•••.com`.
 */
export const maskedEmail = (address: string) => {
  const at = address.lastIndexOf('@')
  if (at < 1) return '•••'
  const domain = address.slice(at + 1)
  const dot = domain.lastIndexOf('.')
  const tld = dot > 0 ? domain.slice(dot) : ''
  return `${address[0]}•••@${domain[0] ?? ''}•••${tld}`
}

const wallClockFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
})
const wallClockParts = (at: number) => Object.fromEntries(wallClockFormat.formatToParts(at).map((p) => [p.type, Number(p.value)])) as Record<string, number>
/** How far Amsterdam's clock is ahead of UTC at an instant, in milliseconds. */
const amsterdamOffset = (at: number) => {
  const p = wallClockParts(at)
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(at / 1000) * 1000
}

/**
 * The instant an Amsterdam wall-clock time (`2026-12-10T20:00`, as a datetime-local field sends it) names; in the
 * hour skipped in spring, the instant an hour on; in the hour repeated in autumn, its second pass.
 */
export const instantOfWallClock = (wallClock: string): Date => {
  const naive = Date.parse(`${wallClock}:00Z`)
  const guess = naive - amsterdamOffset(naive)
  return new Date(naive - amsterdamOffset(guess))
}

export const format = {
  /** `2026-12-10T20:00`: Amsterdam time as a datetime-local field shows it. */
  wallClock: (at: Date) => {
    const p = wallClockParts(at.getTime())
    const two = (n: number) => String(n).padStart(2, '0')
    return `${p.year}-${two(p.month!)}-${two(p.day!)}T${two(p.hour!)}:${two(p.minute!)}`
  },
  /** `€12.50`; zero is `Free`. */
  money: (cents: number) => (cents === 0 ? 'Free' : euros.format(cents / 100)),
  /** `Fri 12 Jul` */
  day: (at: Date) => dayFormat.format(at),
  /** `Friday 12 July` */
  longDay: (at: Date) => longDayFormat.format(at),
  /** `19:30` */
  time: (at: Date) => timeFormat.format(at),
  /** `Fri 12 Jul, 19:30` */
  dateTime: (at: Date) => `${dayFormat.format(at)}, ${timeFormat.format(at)}`,
  /** `2024-07-12`, the Amsterdam date: groups showtimes by day, and goes in `<time datetime>` with the ISO instant. */
  dayKey: (at: Date) => dayKeyFormat.format(at),
  iso: (at: Date) => at.toISOString(),
  /** `2 h 35 min` */
  runtime: (minutes: number) => (minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`),
  /** Groups items by a key, keeping first-seen order. */
  groupBy: <T>(items: readonly T[], key: (item: T) => string): [string, T[]][] => {
    const groups = new Map<string, T[]>()
    for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
    return [...groups]
  },
}

export type Format = typeof format
