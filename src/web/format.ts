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

export const format = {
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
