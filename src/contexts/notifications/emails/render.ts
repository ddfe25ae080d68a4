import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'

// autoEscape: every `<%= %>` is HTML-escaped; user text never becomes markup.
const eta = new Eta({ views: fileURLToPath(new URL('./templates', import.meta.url)), autoEscape: true, cache: true })

/** An e-mail's HTML body from its template in ./templates. */
export const renderHtml = (template: string, data: object): string => eta.render(template, data)
