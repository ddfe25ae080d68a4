/** How e-mails and the mailbox say times and money: Dutch cinemas, English words, Amsterdam's clock. */

const moment = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', dateStyle: 'full', timeStyle: 'short' })
const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', dateStyle: 'full' })
const euro = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' })

/** "Saturday, 1 June 2024 at 20:30" */
export const formatMoment = (at: string | Date): string => moment.format(new Date(at))

/** "Saturday, 1 June 2024" */
export const formatDay = (at: string | Date): string => day.format(new Date(at))

/** "€12.50", or "free" for nothing at all. */
export const formatPrice = (cents: number): string => (cents === 0 ? 'free' : euro.format(cents / 100))

export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`

/** A subject is one header line: a line break in a movie title must not start a header of its own. */
export const oneLine = (text: string): string => text.replace(/[\r\n\t]+/g, ' ').trim()
