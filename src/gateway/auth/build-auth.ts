/**
 * Client auth from the gateway's current config and resolved secrets, and a fingerprint of
 * what it depends on (a change closes the WebSocket sessions opened under the old settings).
 */
import { createHash } from 'node:crypto'
import { OpenclawError } from '../../errors.ts'
import type { GatewayState } from '../gateway-state.ts'
import { GatewayAuth } from './gateway-auth.ts'

export function buildAuth(
  state: GatewayState,
  bind: string,
  clientCertsRequired: boolean,
  previous?: GatewayAuth,
): GatewayAuth {
  const failed = state.gatewaySecrets.errors.filter((e) => e.path.startsWith('gateway.auth.'))
  if (failed.length) {
    throw new OpenclawError(
      'usage',
      `Gateway client auth cannot start: ${failed.map((e) => `${e.path} (${e.ref}) did not resolve: ${e.message}`).join('; ')}`,
      {
        hint: 'Fix the secret ref (see openclaw secrets audit), then restart or reload.',
      },
    )
  }
  return GatewayAuth.fromConfig(state.config, state.gatewaySecrets, {
    bind,
    clientCertsRequired,
    ...(previous ? { limiter: previous.limiter } : {}),
    ...(previous?.passwordVerifier ? { passwordVerifier: previous.passwordVerifier } : {}),
  })
}

export function authFingerprint(state: GatewayState): string {
  const a = state.config.gateway?.auth ?? {}
  const s = state.gatewaySecrets
  const clients = (a.clients ?? []).map((c, i) => [c.name, c.scopes, s.clientTokens?.[i] ?? null])
  return createHash('sha256')
    .update(
      JSON.stringify([a.mode ?? null, s.token ?? null, s.password ?? null, a.passwordHash ?? null, clients]),
    )
    .digest('hex')
}
