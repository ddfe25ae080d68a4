import type { DataOf } from '../../../messaging/message.ts'
import type { SendAlertEmail } from '../messages.ts'
import type { Email } from '../email.ts'
import { renderHtml } from './render.ts'

type Alert = DataOf<typeof SendAlertEmail>

/** An ops alert, raised or cleared: what crossed its threshold, since when, and the console to see it live. */
export const alertEmail = (alert: Alert): Email => {
  const raised = alert.state === 'raised'
  const subject = `${raised ? 'Alert' : 'Cleared'}: ${alert.summary}`.slice(0, 200)
  const lead = raised ? 'A threshold was crossed:' : 'This alert is cleared: back within its threshold.'
  const since = `Raised at ${alert.raisedAt}.`
  const text = [lead, '', alert.summary, '', since, '', `The ops console: ${alert.consoleUrl}`, ''].join('\n')
  return { kind: 'ops-alert', to: alert.to, subject, text, html: renderHtml('alert', { subject, to: alert.to, lead, summary: alert.summary, since, link: alert.consoleUrl }) }
}
