import { z } from 'zod'
import { defineCommand } from '../../src/messaging/message.ts'

export const CrashWork = defineCommand('test.CrashWork', 'crash-worker', z.object({ n: z.number().int() }))
