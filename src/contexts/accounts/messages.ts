import { z } from 'zod'
import { defineCommand, defineEvent } from '../../messaging/message.ts'

/** Accounts' public contract: what other contexts may hear of a person's account. */

export const AccountRegistered = defineEvent('accounts.AccountRegistered', z.object({
  accountId: z.uuid(),
  email: z.email().max(200),
}))

/**
 * A person logged in from a browser session: what that session did before (its orders) is theirs from now on.
 * Carries the session's id, an internal address that is never shown.
 */
export const SignedIn = defineEvent('accounts.SignedIn', z.object({
  accountId: z.uuid(),
  browserSession: z.uuid(),
}))

/**
 * Accounts' own: the shared view of an account (profiles) is to take in its stream up to this version. Sent with each
 * write, in its transaction — late on purpose when ops has set a projection delay.
 */
export const ProjectAccount = defineCommand('accounts.ProjectAccount', 'accounts', z.object({
  accountId: z.uuid(),
  version: z.number().int().min(1),
}))

/** A person is VIP from now on, before their first payment has gone through (it may yet fail: VipRevoked). */
export const VipGranted = defineEvent('accounts.VipGranted', z.object({ accountId: z.uuid(), subscriptionId: z.uuid() }))

/** The first payment went through: the membership stands. */
export const VipConfirmed = defineEvent('accounts.VipConfirmed', z.object({ accountId: z.uuid(), subscriptionId: z.uuid() }))

/** The first payment failed: the person is not VIP any more, and whatever VIP gave them meanwhile is undone by policy. */
export const VipRevoked = defineEvent('accounts.VipRevoked', z.object({ accountId: z.uuid(), subscriptionId: z.uuid(), reason: z.enum(['payment-failed']) }))

export const accountsMessages = [AccountRegistered, SignedIn, ProjectAccount, VipGranted, VipConfirmed, VipRevoked]
