import { ConfigError } from '../../config.ts'

type Env = Readonly<Record<string, string | undefined>>

export type TracesExporter = 'console' | 'otlp'

const known = ['none', 'console', 'otlp'] as const

/**
 * The exporters `OTEL_TRACES_EXPORTER` asks for (a comma-separated list, as the specification allows). Unlike the
 * specification's default (otlp), none when unset: tracing costs nothing unless someone asked for it. `none` anywhere
 * in the list, or `OTEL_SDK_DISABLED=true`, means none; a name we do not know is a configuration error.
 */
export const tracesExportersOf = (env: Env): TracesExporter[] => {
  const names = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) {
      throw new ConfigError(`OTEL_TRACES_EXPORTER: "${name}" is not an exporter Popcorn has; use otlp, console or none (the default)`)
    }
  }
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || names.includes('none')) return []
  return [...new Set(names as TracesExporter[])]
}

/** The OTLP protocol asked for; the OTLP exporter here speaks http/protobuf (the specification's default) only. */
export const otlpProtocolOf = (env: Env): 'http/protobuf' => {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim()
  if (protocol !== 'http/protobuf') {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not spoken here; use http/protobuf (the default), e.g. a collector's port 4318`)
  }
  return protocol
}

export interface Tracing {
  /** Exports what is left and stops: the last of the composition root's stops. */
  shutdown(): Promise<void>
}

/**
 * Starts OpenTelemetry's SDK when `OTEL_TRACES_EXPORTER` asks for an exporter: a tracer provider registered globally
 * (with the async-local context and the W3C propagator), `service.name` as given unless OTEL_SERVICE_NAME or
 * OTEL_RESOURCE_ATTRIBUTES say otherwise. The SDK reads the rest of the standard variables itself (the OTLP endpoint
 * and headers, the sampler, the batch processor's limits). Unset: nothing is loaded, and the API stays a no-op.
 */
export const startTracing = async (env: Env, serviceName: string): Promise<Tracing | undefined> => {
  const exporters = tracesExportersOf(env)
  if (exporters.length === 0) return undefined
  if (exporters.includes('otlp')) otlpProtocolOf(env)
  const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-node')
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = await import('@opentelemetry/resources')
  const { ATTR_SERVICE_NAME } = await import('@opentelemetry/semantic-conventions')
  const spanProcessors = []
  if (exporters.includes('console')) spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()))
  if (exporters.includes('otlp')) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto')
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()))
  }
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }))
  const provider = new NodeTracerProvider({ resource, spanProcessors })
  provider.register()
  return { shutdown: () => provider.shutdown() }
}
