// A worker process for the crash test: handles CrashWork until every one of `expected` has had its effect,
// printing progress as it goes. The test kills it with SIGKILL mid-batch, then runs it again to finish.
import { z } from 'zod'
import { openDatabase } from '../../src/adapters/db/open.ts'
import { createBus } from '../../src/messaging/bus.ts'
import { defineEndpoint } from '../../src/messaging/endpoint.ts'
import { handle } from '../../src/messaging/handler.ts'
import { MessageCatalog } from '../../src/messaging/message.ts'
import { CrashWork } from './crash-messages.ts'
import { recordEffect } from './effects.ts'
import { testLogger } from './logger.ts'
import { openTransport } from './shapes.ts'

const settings = z.object({ databaseUrl: z.string(), brokerUrl: z.string().optional(), namespace: z.string().optional(), expected: z.number() })
  .parse(JSON.parse(process.env.POPCORN_CRASH_SETTINGS ?? '{}'))

const db = await openDatabase(settings.databaseUrl)
const transport = await openTransport(db, settings)
const bus = createBus({ db, transport, catalog: new MessageCatalog([CrashWork]), logger: testLogger, instanceId: String(process.pid), concurrency: 8 })
let handled = 0
await bus.start(defineEndpoint({
  name: 'crash-worker',
  handlers: [handle(CrashWork, async (m, ctx) => {
    await recordEffect(ctx.tx, 'crash', String(m.n))
    await new Promise((resolve) => setTimeout(resolve, 1)) // a little work, so a kill lands mid-batch
    if (++handled % 25 === 0) console.log(`handled ${handled}`)
  })],
}))

for (;;) {
  const { n } = (await db.query<{ n: number }>(`select count(distinct key)::int as n from test.effects where kind = 'crash'`)).rows[0]!
  if (n >= settings.expected) break
  await new Promise((resolve) => setTimeout(resolve, 100))
}
await bus.stop()
await transport.close()
await db.close()
console.log('done')
