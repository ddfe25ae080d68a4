import { z } from 'zod'
import { defineCommand, defineEvent, defineReply } from '../../messaging/message.ts'

/**
 * The pattern lab's contract: "a customer unsubscribes", and three small services that must come to agree — the
 * customer's profile, their support contract and their billing subscription — each owning its own data, kept
 * consistent in one of three ways per run (background synchronization, orchestration, choreography).
 */

export const patterns = ['background-sync', 'orchestration', 'choreography'] as const
export type Pattern = (typeof patterns)[number]
export const services = ['profile', 'support', 'billing'] as const
export type LabService = (typeof services)[number]

const ofCustomer = { runId: z.uuid(), customer: z.number().int().min(1).max(100_000) }
const ofRun = { runId: z.uuid() }

/** A customer asks to unsubscribe (to the profile service). */
export const Unsubscribe = defineCommand('lab.Unsubscribe', 'lab-profile', z.object({ ...ofCustomer, pattern: z.enum(patterns) }))
/** Choreography: the profile tells whoever cares; each service reacts on its own. */
export const CustomerUnsubscribed = defineEvent('lab.CustomerUnsubscribed', z.object(ofCustomer))

/** Orchestration: the saga asks support, then billing, and waits for each answer (or its timeout). */
export const EndContract = defineCommand('lab.EndContract', 'lab-support', z.object({ ...ofCustomer, attempt: z.number().int().min(1) }))
export const ContractEnded = defineReply('lab.ContractEnded', z.object(ofCustomer))
export const EndSubscription = defineCommand('lab.EndSubscription', 'lab-billing', z.object({ ...ofCustomer, attempt: z.number().int().min(1) }))
export const SubscriptionEnded = defineReply('lab.SubscriptionEnded', z.object(ofCustomer))
/** The saga's compensations, once it gave up: the contract reopened, the subscription restored (when it ended late). */
export const ReopenContract = defineCommand('lab.ReopenContract', 'lab-support', z.object(ofCustomer))
export const RestoreSubscription = defineCommand('lab.RestoreSubscription', 'lab-billing', z.object(ofCustomer))

/** Background synchronization: a scheduled job in support and in billing asks the profile what changed, and fixes what differs. */
export const ReconcileContracts = defineCommand('lab.ReconcileContracts', 'lab-support', z.object(ofRun))
export const ReconcileSubscriptions = defineCommand('lab.ReconcileSubscriptions', 'lab-billing', z.object(ofRun))
export const ListUnsubscribed = defineCommand('lab.ListUnsubscribed', 'lab-profile', z.object(ofRun))
export const UnsubscribedList = defineReply('lab.UnsubscribedList', z.object({ ...ofRun, customers: z.array(z.number().int().min(1)).max(100_000) }))

export const labMessages = [Unsubscribe, CustomerUnsubscribed, EndContract, ContractEnded, EndSubscription, SubscriptionEnded, ReopenContract, RestoreSubscription,
  ReconcileContracts, ReconcileSubscriptions, ListUnsubscribed, UnsubscribedList]
