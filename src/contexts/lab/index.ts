import { fileURLToPath } from 'node:url'
import { healFaults, setFault } from '../../messaging/faults.ts'
import { untilPaused } from '../../messaging/heartbeats.ts'
import type { Database } from '../../messaging/sql.ts'
import type { ContextModule } from '../index.ts'
import { labApi } from './api.ts'
import { labMessages, type LabService } from './messages.ts'
import type { Outage } from './runner.ts'

/**
 * A lab service down is its endpoint paused by ops' fault switch, in every process: its messages wait in its queue,
 * as they would for a service whose processes all stopped, and are taken when it is back (within a second of the
 * switch, as every fault).
 */
const pausing = (db: Database): Outage => ({
  // Down once every process running it has paused it (within a second or so): the run's clock starts from a true outage.
  down: async (service: LabService) => {
    await setFault(db, { endpoint: `lab-${service}`, delayMs: 0, failPercent: 0, paused: true }, new Date())
    await untilPaused(db, `lab-${service}`, true)
  },
  // Back once every process consumes it again: what waited for it is being taken.
  up: async (service: LabService) => {
    await healFaults(db, `lab-${service}`)
    await untilPaused(db, `lab-${service}`, false)
  },
})

/**
 * The pattern lab's harness: starts runs, takes a service down and back up, measures, and shows the runs side by
 * side. The three services it runs on are contexts of their own (profile/, support/, billing/), each with its
 * endpoint and its tables.
 */
export const lab: ContextModule = {
  name: 'lab',
  messages: labMessages,
  migrations: { owner: 'lab', dir: fileURLToPath(new URL('./migrations', import.meta.url)) },
  web: (deps) => labApi(deps, { outage: pausing(deps.db) }),
}
