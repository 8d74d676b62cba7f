/**
 * Is a gateway running, and does it demand client auth? GET /health on 127.0.0.1 with a short
 * timeout, then one unauthenticated GET /v1/models (401/403 = auth required). Port from
 * OPENCLAW_GATEWAY_PORT, else gateway.port, else 18789.
 */
import http from 'node:http'
import type { OpenclawConfig } from '../config/types.ts'
import type { GatewayCheck } from './types.ts'

export const DEFAULT_GATEWAY_PORT = 18789

export function gatewayPort(
  env: Readonly<Record<string, string | undefined>>,
  config: OpenclawConfig | undefined,
): { port: number; source: GatewayCheck['portSource'] } {
  const fromEnv = Number(env.OPENCLAW_GATEWAY_PORT)
  if (env.OPENCLAW_GATEWAY_PORT && Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536)
    return { port: fromEnv, source: 'env' }
  const fromConfig = config?.gateway?.port
  if (typeof fromConfig === 'number' && fromConfig > 0) return { port: fromConfig, source: 'config' }
  return { port: DEFAULT_GATEWAY_PORT, source: 'default' }
}

export async function gatherGateway(
  port: number,
  source: GatewayCheck['portSource'],
  timeoutMs = 1500,
): Promise<GatewayCheck> {
  const url = `http://127.0.0.1:${port}`
  const health = await get(`${url}/health`, timeoutMs)
  if ('error' in health) return { url, port, portSource: source, reachable: false, error: health.error }
  const check: GatewayCheck = { url, port, portSource: source, reachable: true, status: health.status }
  if (health.status === 200) {
    const models = await get(`${url}/v1/models`, timeoutMs)
    if ('status' in models) {
      if (models.status === 401 || models.status === 403) check.requiresAuth = true
      else if (models.status === 200) check.requiresAuth = false
    }
  }
  return check
}

function get(url: string, timeoutMs: number): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0 })
    })
    req.on('timeout', () => {
      req.destroy()
      resolve({ error: `no answer within ${timeoutMs} ms` })
    })
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ error: e.code === 'ECONNREFUSED' ? 'connection refused' : (e.code ?? e.message) }),
    )
  })
}
