import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { describe, test } from 'node:test'
import { loadConfig } from '../config.ts'
import { clientAddress } from './client-address.ts'

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage

describe('the client\'s address, as the per-address limits count it', () => {
  test('without trusted proxies the peer is the client: a forwarded header anyone can write is not believed', () => {
    assert.equal(clientAddress(request('203.0.113.7', '198.51.100.1'), undefined), '203.0.113.7')
    assert.equal(clientAddress(request('::ffff:203.0.113.7'), undefined), '203.0.113.7')
  })

  test('behind a configured proxy, the address it forwarded; a hop it does not trust ends the walk', () => {
    assert.equal(clientAddress(request('10.0.0.2', '198.51.100.1'), '10.0.0.0/8'), '198.51.100.1')
    assert.equal(clientAddress(request('127.0.0.1', '198.51.100.1, 10.0.0.3'), 'loopback, 10.0.0.0/8'), '198.51.100.1')
    // A client that writes its own X-Forwarded-For gains nothing: the proxy appends the address it saw.
    assert.equal(clientAddress(request('10.0.0.2', '1.2.3.4, 198.51.100.1'), '10.0.0.0/8'), '198.51.100.1')
    // Not from the proxy: the header is someone's claim.
    assert.equal(clientAddress(request('203.0.113.7', '198.51.100.1'), '10.0.0.0/8'), '203.0.113.7')
  })

  test('a setting that names no address is refused at start, saying what it takes', () => {
    assert.throws(() => loadConfig({ POPCORN_TRUST_PROXY: 'the proxy' }), /POPCORN_TRUST_PROXY.*CIDR/s)
    assert.equal(loadConfig({ POPCORN_TRUST_PROXY: 'loopback,10.0.0.0/8' }).POPCORN_TRUST_PROXY, 'loopback,10.0.0.0/8')
  })
})
