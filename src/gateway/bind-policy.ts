/**
 * Which bind addresses count as loopback. A non-loopback bind without client auth must refuse
 * to start (DECISIONS section 7).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  if (/^127(\.\d{1,3}){3}$/.test(h)) return true
  return /^::ffff:127(\.\d{1,3}){3}$/.test(h)
}

export const DEFAULT_PORT = 18789
export const DEFAULT_BIND = '127.0.0.1'

export function parsePort(value: string | number | undefined, source: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(
      `${source}: port must be an integer from 0 to 65535, got ${JSON.stringify(String(value))}`,
    )
  }
  return n
}
