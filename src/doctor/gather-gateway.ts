/**
 * Is a gateway running, and does it demand client auth? GET /health on 127.0.0.1 with a short
 * timeout, then one unauthenticated GET /v1/models (401/403 = auth required). Port from
 * OPENCLAW_GATEWAY_PORT, else gateway.port, else 18789. With gateway.tls on it speaks https
 * (trusting the configured certificate) and says why when the handshake is refused.
 */
import type { OpenclawConfig } from '../config/types.ts'
import { getStatus, localGatewayTls } from '../gateway/tls/local-client.ts'
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
  config?: OpenclawConfig,
): Promise<GatewayCheck> {
  const t = localGatewayTls(config)
  const url = `${t.scheme}://127.0.0.1:${port}`
  const get = (u: string) => getStatus(u, timeoutMs, t.options)
  const health = await get(`${url}/health`)
  if ('error' in health) {
    const error =
      t.problem && health.error !== 'connection refused' ? `${health.error}: ${t.problem}` : health.error
    return { url, port, portSource: source, reachable: false, error }
  }
  const check: GatewayCheck = { url, port, portSource: source, reachable: true, status: health.status }
  if (health.status === 200) {
    const models = await get(`${url}/v1/models`)
    if ('status' in models) {
      if (models.status === 401 || models.status === 403) check.requiresAuth = true
      else if (models.status === 200) check.requiresAuth = false
    }
  }
  return check
}
