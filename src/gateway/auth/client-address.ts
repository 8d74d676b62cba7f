/**
 * Who is calling: the socket peer, unless that peer is a configured trusted proxy, in which
 * case X-Forwarded-For is walked right to left past trusted hops. Forwarding headers from an
 * untrusted peer are ignored, so a spoofed `X-Forwarded-For: 127.0.0.1` stays remote (F-04/F-07).
 */
import net from 'node:net'

export interface ClientAddress {
  address: string
  /** The socket peer (the proxy, when there is one). */
  peer: string
  viaTrustedProxy: boolean
  /** Any forwarding header was present (from anyone). */
  forwardedHeaders: boolean
}

export function buildProxyList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList()
  for (const raw of entries) {
    const [addr, bits] = raw.trim().split('/')
    if (!addr) continue
    const family = net.isIPv6(addr) ? 'ipv6' : 'ipv4'
    if (bits !== undefined) list.addSubnet(addr, Number(bits), family)
    else list.addAddress(addr, family)
  }
  return list
}

export function normalizeIp(ip: string | undefined): string {
  if (!ip) return 'unknown'
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip
}

function isTrusted(list: net.BlockList | undefined, ip: string): boolean {
  if (list === undefined) return false
  if (net.isIPv4(ip)) return list.check(ip, 'ipv4')
  if (net.isIPv6(ip)) return list.check(ip, 'ipv6')
  return false
}

export function resolveClientAddress(
  peerRaw: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  /** Undefined when no proxy is trusted (the common case, checked per request). */
  trusted: net.BlockList | undefined,
  opts: { allowRealIp?: boolean } = {},
): ClientAddress {
  const peer = normalizeIp(peerRaw)
  const xff = headers['x-forwarded-for']
  const realIp = headers['x-real-ip']
  const forwardedHeaders = xff !== undefined || realIp !== undefined || headers.forwarded !== undefined
  if (!isTrusted(trusted, peer)) return { address: peer, peer, viaTrustedProxy: false, forwardedHeaders }
  const hops = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
    .split(',')
    .map((h) => normalizeIp(h.trim()))
    .filter((h) => h !== 'unknown' && net.isIP(h) !== 0)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (!isTrusted(trusted, hop)) return { address: hop, peer, viaTrustedProxy: true, forwardedHeaders }
  }
  if (opts.allowRealIp && typeof realIp === 'string' && net.isIP(realIp.trim())) {
    return { address: normalizeIp(realIp.trim()), peer, viaTrustedProxy: true, forwardedHeaders }
  }
  return { address: hops[0] ?? peer, peer, viaTrustedProxy: true, forwardedHeaders }
}

export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || /^127\./.test(ip)
}
