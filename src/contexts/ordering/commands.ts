import { z } from 'zod'
import { defineCommand } from '../../messaging/message.ts'
import { seatWriters } from './messages.ts'

/** Ordering's own commands, not part of its public contract: every write to a seat stream goes through one. */
export const OpenShowtime = defineCommand('ordering.OpenShowtime', 'ordering', z.object({
  showtimeId: z.string().min(1).max(80),
  movieTitle: z.string().max(300),
  theaterName: z.string().max(300),
  /** The screen (hall) in the theater; commands sent before it was carried have none. */
  screen: z.string().max(80).optional(),
  startsAt: z.iso.datetime({ offset: true }),
  ticketType: z.enum(['regular', 'drawing', 'morning']),
  policy: z.enum(['strict', 'optimistic']),
  priceCents: z.number().int().min(0),
  drawingAt: z.iso.datetime({ offset: true }).nullable(),
  capacity: z.number().int().min(1),
  /** The per-buyer cap; commands sent before it was carried have the default. */
  ticketsPerBuyer: z.number().int().min(1).max(1_000_000).optional(),
}), { partitions: seatWriters })

/** Seats an admin added to a showing (catalog's CapacityAdded), through the showing's single writer. */
export const AddCapacity = defineCommand('ordering.AddCapacity', 'ordering', z.object({
  showtimeId: z.string().min(1).max(80),
  seats: z.number().int().min(1).max(10_000),
}), { partitions: seatWriters })
