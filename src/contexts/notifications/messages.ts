import { z } from 'zod'
import { defineEvent } from '../../messaging/message.ts'

/** Notifications' public contract: what it tells the rest of the system once an e-mail has gone out. */

export const emailKinds = ['tickets', 'drawing-entry', 'not-drawn', 'apology', 'verification'] as const
export const emailKind = z.enum(emailKinds)
export type EmailKind = z.infer<typeof emailKind>

export const EmailSent = defineEvent('notifications.EmailSent', z.object({
  emailId: z.uuid(),
  kind: emailKind,
  to: z.string().min(1),
  orderId: z.uuid().optional(),
}))

export const notificationsMessages = [EmailSent]
