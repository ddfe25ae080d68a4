import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError } from '../../config.ts'
import { otlpProtocolOf, startTracing, tracesExportersOf } from './sdk.ts'

describe('which trace exporters, by the standard variables', () => {
  test('unset or empty: none (not the specification\'s otlp), and no SDK is started', async () => {
    assert.deepEqual(tracesExportersOf({}), [])
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: ' ' }), [])
    assert.equal(await startTracing({}, 'popcorn'), undefined)
  })

  test('none, console, otlp, and a list of them', () => {
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'none' }), [])
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'console' }), ['console'])
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'otlp' }), ['otlp'])
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'OTLP, console,otlp' }), ['otlp', 'console'])
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'otlp,none' }), [])
  })

  test('OTEL_SDK_DISABLED=true switches them off', () => {
    assert.deepEqual(tracesExportersOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }), [])
  })

  test('an exporter we do not have is a clear configuration error', () => {
    assert.throws(() => tracesExportersOf({ OTEL_TRACES_EXPORTER: 'jaeger' }), (error: unknown) =>
      error instanceof ConfigError && /OTEL_TRACES_EXPORTER: "jaeger" is not an exporter Popcorn has; use otlp, console or none/.test(error.message))
  })

  test('OTLP over http/protobuf, the default; another protocol is a clear configuration error', async () => {
    assert.equal(otlpProtocolOf({}), 'http/protobuf')
    assert.equal(otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }), 'http/protobuf')
    assert.throws(() => otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), (error: unknown) => error instanceof ConfigError && /"grpc" is not spoken here/.test(error.message))
    assert.throws(() => otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }), ConfigError)
    await assert.rejects(startTracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'popcorn'), ConfigError)
  })
})
