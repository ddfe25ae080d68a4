import { z } from 'zod'
import { defineCommand, defineEvent } from '../../messaging/message.ts'

/** Notifications' public contract: what it tells the rest of the system once an e-mail has gone out. */

export const emailKinds = ['tickets', 'drawing-entry', 'not-drawn', 'apology', 'verification', 'password-reset', 'vip-confirmed', 'vip-revoked', 'ops-alert'] as const
export const emailKind = z.enum(emailKinds)
export type EmailKind = z.infer<typeof emailKind>

export const EmailSent = defineEvent('notifications.EmailSent', z.object({
  emailId: z.uuid(),
  kind: emailKind,
  to: z.string().min(1),
  orderId: z.uuid().optional(),
}))

/**
 * An e-mail about a person's account, with the one link it is for (verify the address, reset the password). A command,
 * not an event: the link is a secret for its addressee, so it goes to notifications alone, never to every subscriber.
 */
export const SendAccountEmail = defineCommand('notifications.SendAccountEmail', 'notifications', z.object({
  kind: z.enum(['verification', 'password-reset', 'vip-confirmed', 'vip-revoked']),
  accountId: z.uuid(),
  to: z.email().max(200),
  link: z.url({ protocol: /^https?$/ }).max(500),
}))

/** An alert for whoever runs Popcorn: a threshold crossed (raised), or back within it (cleared). */
export const SendAlertEmail = defineCommand('notifications.SendAlertEmail', 'notifications', z.object({
  alertId: z.uuid(),
  state: z.enum(['raised', 'cleared']),
  to: z.email().max(200),
  summary: z.string().min(1).max(1_000),
  raisedAt: z.iso.datetime(),
  consoleUrl: z.url({ protocol: /^https?$/ }).max(500),
}))

export const notificationsMessages = [EmailSent, SendAccountEmail, SendAlertEmail]
