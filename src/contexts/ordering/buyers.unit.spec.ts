import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buyerKeys, normalisedEmail } from './buyers.ts'

describe('who a buyer is', () => {
  test('one mailbox, however its address is written: case, spaces, a +tag, and Gmail\'s dots', () => {
    assert.equal(normalisedEmail(' Ada+popcorn@Example.COM '), 'ada@example.com')
    assert.equal(normalisedEmail('A.Da+x@googlemail.com'), 'ada@gmail.com')
    assert.equal(normalisedEmail('a.da@example.com'), 'a.da@example.com', 'dots are the mailbox\'s own elsewhere')
  })

  test('an order counts against its address and its browser session, and neither is stored as it was written', () => {
    const keys = buyerKeys('Ada@example.com', 'session-1')
    assert.deepEqual(keys, buyerKeys('ada+again@example.com', 'session-1'))
    assert.notDeepEqual(keys[1], buyerKeys('ada@example.com', 'session-2')[1])
    assert.deepEqual(keys.map((k) => k.slice(0, 2)), ['e:', 's:'])
    assert.ok(keys.every((k) => !k.includes('ada') && !k.includes('session')))
    assert.equal(buyerKeys('ada@example.com', null).length, 1, 'no session (a message from elsewhere): the address alone')
  })
})
