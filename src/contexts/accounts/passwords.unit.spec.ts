import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { hashPassword, verifyPassword } from './passwords.ts'

describe('passwords', () => {
  test('a hash verifies its password and no other', async () => {
    const hash = await hashPassword('correct horse battery')
    assert.match(hash, /^scrypt\$32768\$8\$1\$/)
    assert.equal(await verifyPassword('correct horse battery', hash), true)
    assert.equal(await verifyPassword('correct horse batterY', hash), false)
  })

  test('the same password hashes differently each time (salted)', async () => {
    assert.notEqual(await hashPassword('same password'), await hashPassword('same password'))
  })

  test('a hash this code did not make matches nothing', async () => {
    assert.equal(await verifyPassword('x', 'plain:x'), false)
    assert.equal(await verifyPassword('x', ''), false)
  })
})
