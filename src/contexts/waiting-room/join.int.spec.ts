import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { countingDatabase } from '../../../test/support/counting.ts'
import { shapes, type World } from '../../../test/support/shapes.ts'
import { loadConfig } from '../../config.ts'
import { defaultLimits } from '../../messaging/bus.ts'
import type { GroupCommitSettings } from '../../messaging/group-commit.ts'
import { MessageSession } from '../../messaging/session.ts'
import { waitingRoom } from './index.ts'
import { joinRoom } from './join.ts'
import { roomDeps, type RoomDeps } from './settings.ts'
import { saveShowtime } from './showtimes.ts'

/** The group closes when it is full, never by the clock: which joins share a transaction is decided, not timed. */
const whenFull = (max: number): GroupCommitSettings => ({ windowMs: 2, max, timer: () => () => {} })

for (const shape of shapes) {
  describe(`joining a waiting room on ${shape.name}`, () => {
    let world: World
    let counted: ReturnType<typeof countingDatabase>
    beforeEach(async () => {
      world = await shape.create([waitingRoom.migrations!])
      counted = countingDatabase(world.db)
      await saveShowtime(world.db, { showtimeId: 'hot', movieId: 'dune', movieTitle: 'Dune', theaterName: 'Breda', startsAt: '2026-12-01T19:30:00.000Z' })
    })
    afterEach(async () => world.destroy())

    /** A web node's room deps, its joins grouped by a session over the counted database. */
    const depsWith = (grouping: GroupCommitSettings): RoomDeps => {
      const session = new MessageSession({ db: counted.db, transport: world.transport, limits: defaultLimits, clock: () => new Date() }, { endpoint: 'web' }, grouping)
      return roomDeps({ db: world.db, config: loadConfig({}), session })
    }
    const join = (deps: RoomDeps, input: unknown, browserSession: string = randomUUID()) =>
      joinRoom(deps, input, { browserSession, address: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` })
    const places = async () => (await world.db.query<{ n: number }>('select count(distinct number)::int as n from waiting_room.places')).rows[0]!.n

    test('joins arriving together share one transaction; each gets a place of its own; bad ones are refused before joining', async () => {
      await join(depsWith({ windowMs: 0, max: 1 }), { showtimeId: 'hot' }) // the room exists before the crowd
      const before = counted.transactions()
      const placeStatementsBefore = counted.statements('with joining as')
      const deps = depsWith(whenFull(30))
      const answers = await Promise.allSettled([
        ...Array.from({ length: 30 }, () => join(deps, { showtimeId: 'hot' })),
        join(deps, { showtimeId: 'Not An Id!' }),
        join(deps, { showtimeId: 'no-such-showing' }),
      ])
      assert.deepEqual(answers.slice(0, 30).map((a) => a.status), Array(30).fill('fulfilled'))
      assert.deepEqual(answers.slice(30).map((a) => a.status === 'rejected' && (a.reason as { code: string }).code), ['BAD_REQUEST', 'NOT_FOUND'])
      assert.equal(counted.transactions() - before, 1, 'one transaction for the 30; none for the refused')
      assert.equal(counted.statements('with joining as') - placeStatementsBefore, 1, 'the 30 places found or taken by one statement')
      assert.equal(await places(), 31, 'stored when answered, each its own number')
    })

    test('a crowd that finds no room yet makes it once, and every one of them gets a place in it', async () => {
      const session = new MessageSession({ db: counted.db, transport: world.transport, limits: defaultLimits, clock: () => new Date() }, { endpoint: 'web' }, whenFull(40))
      const deps = roomDeps({ db: counted.db, config: loadConfig({}), session })
      const answers = await Promise.all(Array.from({ length: 40 }, () => join(deps, { showtimeId: 'hot' })))
      assert.equal(answers.length, 40)
      assert.equal(counted.statements('insert into waiting_room.rooms'), 1, 'one making of the room for the 40, not one each')
      assert.equal(await places(), 40)
    })

    test('a join whose write the database refuses fails alone; the others keep their places', async () => {
      await join(depsWith({ windowMs: 0, max: 1 }), { showtimeId: 'hot' })
      const before = counted.transactions()
      const deps = depsWith(whenFull(6))
      const sessions = Array.from({ length: 6 }, () => randomUUID())
      counted.poison(sessions[2])
      const answers = await Promise.allSettled(sessions.map((s) => join(deps, { showtimeId: 'hot' }, s)))
      assert.deepEqual(answers.map((a) => a.status), sessions.map((_, i) => (i === 2 ? 'rejected' : 'fulfilled')))
      assert.equal(counted.transactions() - before, 1 + sessions.length, 'the shared transaction rolled back, then each join alone')
      assert.equal(await places(), 1 + 5)
    })
  })
}
