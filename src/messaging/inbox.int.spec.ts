import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { shapes } from '../../test/support/shapes.ts'
import { pruneInbox, recordHandled } from './inbox.ts'

for (const shape of shapes) {
  describe(`the inbox on ${shape.name}`, () => {
    test('remembers a handled id per queue, and forgets only ids older than it keeps', async () => {
      const world = await shape.create()
      try {
        const [old, recent] = [randomUUID(), randomUUID()]
        assert.equal(await recordHandled(world.db, 'ordering', old), true)
        assert.equal(await recordHandled(world.db, 'ordering', old), false)
        assert.equal(await recordHandled(world.db, 'web.a', old), true, 'another queue has its own inbox')
        assert.equal(await recordHandled(world.db, 'ordering', recent), true)
        await world.db.query(`update messaging.inbox set handled_at = now() - interval '8 days' where message_id = $1`, [old])

        assert.equal(await pruneInbox(world.db, 7 * 24), 2)
        assert.equal(await recordHandled(world.db, 'ordering', recent), false, 'a recent id is still remembered')
      } finally {
        await world.destroy()
      }
    })
  })
}
