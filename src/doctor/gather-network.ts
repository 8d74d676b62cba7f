/**
 * `--deep`: can this machine reach each configured provider origin at all? A TCP connect with
 * a short timeout (no request, no credential sent). Loopback origins work in tests.
 */
import net from 'node:net'
import type { NetworkCheck } from './types.ts'

export async function checkOrigin(provider: string, origin: string, timeoutMs = 2000): Promise<NetworkCheck> {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return { provider, origin, reachable: false, error: 'invalid URL' }
  }
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const started = performance.now()
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (r: Omit<NetworkCheck, 'provider' | 'origin'>) => {
      socket.destroy()
      resolve({ provider, origin, ...r })
    }
    socket.setTimeout(timeoutMs, () =>
      done({ reachable: false, error: `no connection within ${timeoutMs} ms` }),
    )
    socket.once('connect', () =>
      done({ reachable: true, latencyMs: Math.round(performance.now() - started) }),
    )
    socket.once('error', (e: NodeJS.ErrnoException) => done({ reachable: false, error: e.code ?? e.message }))
  })
}

export function checkOrigins(
  targets: ReadonlyArray<{ provider: string; origin: string }>,
  timeoutMs?: number,
): Promise<NetworkCheck[]> {
  return Promise.all(targets.map((t) => checkOrigin(t.provider, t.origin, timeoutMs)))
}
