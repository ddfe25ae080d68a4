import type { IncomingMessage } from 'node:http'
import proxyaddr from '@fastify/proxy-addr'

/**
 * The proxies in front of the web nodes whose X-Forwarded-For is believed (POPCORN_TRUST_PROXY: addresses, CIDR
 * ranges, or `loopback`, `linklocal`, `uniquelocal`, comma separated). Without any, the peer's own address is the
 * client's: a forwarded header anyone can write is never taken at its word.
 */
export const trustedProxies = (setting: string | undefined): ((address: string, hop: number) => boolean) =>
  setting ? proxyaddr.compile(setting.split(',').map((item) => item.trim()).filter(Boolean)) : () => false

const compiled = new Map<string, (address: string, hop: number) => boolean>()

/**
 * The address a request or a socket's handshake came from, as the per-address limits count it: the same for HTTP
 * (Fastify is given the same trust) and for sockets, behind the configured proxies or not.
 */
export const clientAddress = (request: IncomingMessage, trustSetting: string | undefined) => {
  const key = trustSetting ?? ''
  let trust = compiled.get(key)
  if (!trust) compiled.set(key, (trust = trustedProxies(trustSetting)))
  return proxyaddr(request, trust).replace(/^::ffff:/, '')
}
