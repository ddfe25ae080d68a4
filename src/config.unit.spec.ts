import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig } from './config.ts'

describe('configuration', () => {
  test('given nothing, the embedded defaults', () => {
    const config = loadConfig({})
    assert.equal(config.PORT, 3000)
    assert.equal(config.POPCORN_DATABASE_URL, './data')
    assert.equal(config.POPCORN_BROKER_URL, undefined)
    assert.deepEqual(config.POPCORN_DELAYED_RETRIES_MS, [1_000, 5_000, 30_000])
  })

  test('given the scale-out settings, they are read', () => {
    const config = loadConfig({ PORT: '8080', POPCORN_DATABASE_URL: 'postgres://db/popcorn', POPCORN_BROKER_URL: 'amqp://mq', POPCORN_DELAYED_RETRIES_MS: '10, 20' })
    assert.equal(config.PORT, 8080)
    assert.equal(config.POPCORN_BROKER_URL, 'amqp://mq')
    assert.deepEqual(config.POPCORN_DELAYED_RETRIES_MS, [10, 20])
  })

  test('given bad values, one clear error names each of them', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty', POPCORN_BROKER_URL: 'http://mq', POPCORN_DELAYED_RETRIES_MS: 'soon' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /PORT="eighty"/)
      assert.match(error.message, /POPCORN_BROKER_URL="http:\/\/mq": must start with amqp:\/\//)
      assert.match(error.message, /POPCORN_DELAYED_RETRIES_MS="soon"/)
      return true
    })
  })

  test('given nothing, fault injection is off; on or off is read, anything else refused', () => {
    assert.equal(loadConfig({}).POPCORN_FAULTS, undefined, 'unset: off (but for npm start, which switches it on)')
    assert.equal(loadConfig({ POPCORN_FAULTS: 'on' }).POPCORN_FAULTS, 'on')
    assert.throws(() => loadConfig({ POPCORN_FAULTS: 'yes' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /POPCORN_FAULTS="yes": on or off/)
      return true
    })
    assert.equal(loadConfig({ POPCORN_METRICS_PORT: '9464' }).POPCORN_METRICS_PORT, 9464)
    assert.throws(() => loadConfig({ POPCORN_METRICS_PORT: '70000' }), /POPCORN_METRICS_PORT="70000"/)
  })

  test('given the waiting room\'s settings, they are read; a secret too short is refused without being shown', () => {
    const config = loadConfig({ POPCORN_SECRET: 's'.repeat(32), POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE: '5000', POPCORN_ADMIN_PASSWORD: 'open sesame' })
    assert.equal(config.POPCORN_WAITING_ROOM_JOINS_PER_ADDRESS_PER_MINUTE, 5000)
    assert.equal(config.POPCORN_WAITING_ROOM_ADMISSION_MINUTES, 10)
    assert.equal(loadConfig({}).POPCORN_SECRET, undefined)
    assert.throws(() => loadConfig({ POPCORN_SECRET: 'hunter2', POPCORN_ADMIN_PASSWORD: 'pw', POPCORN_WAITING_ROOM_TICK_MS: '0' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /POPCORN_SECRET=\(hidden\): at least 32 characters/)
      assert.match(error.message, /POPCORN_ADMIN_PASSWORD=\(hidden\)/)
      assert.match(error.message, /POPCORN_WAITING_ROOM_TICK_MS="0"/)
      assert.doesNotMatch(error.message, /hunter2/)
      return true
    })
  })
})
