import { z } from 'zod'
import { defineCommand, defineEvent } from '../../messaging/message.ts'

/** Catalog's public contract: what it tells the rest of the system about what is on where. */

export const ticketTypes = ['regular', 'drawing', 'morning'] as const
export type TicketType = (typeof ticketTypes)[number]

/** `strict` never sells more seats than there are; `optimistic` accepts at the edge and compensates when oversold. */
export const oversellingPolicies = ['strict', 'optimistic'] as const
export type OversellingPolicy = (typeof oversellingPolicies)[number]

const slug = z.string().min(1).max(80)

export const ShowtimeScheduled = defineEvent('catalog.ShowtimeScheduled', z.object({
  showtimeId: slug,
  movieId: slug,
  theaterId: slug,
  movieTitle: z.string().min(1).max(200),
  theaterName: z.string().min(1).max(200),
  screen: z.string().min(1).max(80),
  startsAt: z.iso.datetime(),
  capacity: z.number().int().min(1),
  priceCents: z.number().int().min(0),
  ticketType: z.enum(ticketTypes),
  policy: z.enum(oversellingPolicies),
  /** When the lottery runs; set exactly for `drawing` tickets. */
  drawingAt: z.iso.datetime().nullable(),
  /** How many tickets one buyer may hold for it; showtimes scheduled before it was carried have ordering's default. */
  ticketsPerBuyer: z.number().int().min(1).max(1_000_000).optional(),
}).refine((s) => (s.ticketType === 'drawing') === (s.drawingAt !== null), {
  message: 'a drawing showtime has a drawingAt, and only a drawing showtime has one',
  path: ['drawingAt'],
}))

/** An admin added a movie: other contexts may know it before it has showings (reviews list it). */
export const MovieAdded = defineEvent('catalog.MovieAdded', z.object({
  movieId: slug,
  title: z.string().min(1).max(200),
  year: z.number().int().min(1888).max(2200),
}))

/** An admin added seats to a showing (not a drawing's: its capacity is in its commitment). `changeId` names the change. */
export const CapacityAdded = defineEvent('catalog.CapacityAdded', z.object({
  changeId: z.uuid(),
  showtimeId: slug,
  seats: z.number().int().min(1).max(10_000),
}))

/** The catalog's own: the shared tables are to take in this change (and any made before it). Late under ops' projection delay. */
export const ProjectCatalog = defineCommand('catalog.ProjectCatalog', 'catalog', z.object({ changeId: z.uuid() }))

export const catalogMessages = [ShowtimeScheduled, MovieAdded, CapacityAdded, ProjectCatalog]
