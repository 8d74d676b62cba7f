/**
 * One activation of the gateway's secrets: every SecretRef in use (config provider keys and
 * headers, gateway.auth, stored profiles) resolved in one pass, and gateway client-auth secrets
 * picked from the result. An explicit ref that fails closes its setting: the env variable is
 * never a silent fallback for it. Called by GatewayState, which swaps the result in.
 */
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import type { RefEntry } from '../secrets/collect-refs.ts'
import type { ViewContext } from './agent-state.ts'

export interface GatewaySecrets {
  token?: string
  password?: string
  /** `gateway.auth.clients[i].token` resolved, by index (undefined when it did not resolve). */
  clientTokens?: Array<string | undefined>
  /** Config refs that failed (path + ref coordinates + reason, never values). */
  errors: Array<{ path: string; ref: string; message: string }>
}

export interface SecretActivation {
  secrets: GatewaySecrets
  /** How many refs were resolved and how many failed (no values, no ids). */
  counts: { total: number; failed: number }
  /** The snapshot's lookups for auth views; absent when nothing was a ref. */
  hooks?: Pick<ViewContext, 'refState' | 'refValue'>
}

export function refKey(r: SecretRef): string {
  return `${r.source}:${r.provider}:${r.id}`
}

function pick<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}

const literal = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined)

export async function activateGatewaySecrets(
  entries: readonly RefEntry[],
  config: OpenclawConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SecretActivation> {
  const cfgAuth = (config.gateway?.auth ?? {}) as Record<string, unknown>
  const clients = Array.isArray(cfgAuth.clients) ? (cfgAuth.clients as Array<{ token?: unknown }>) : []
  // With a stored hash the env variable is not a second password (the CLI presents it).
  const envPassword = cfgAuth.passwordHash ? undefined : literal(env.OPENCLAW_GATEWAY_PASSWORD)
  if (entries.length === 0) {
    return {
      counts: { total: 0, failed: 0 },
      secrets: {
        ...pick('token', literal(cfgAuth.token) ?? literal(env.OPENCLAW_GATEWAY_TOKEN)),
        ...pick('password', literal(cfgAuth.password) ?? envPassword),
        ...(clients.length ? { clientTokens: clients.map((c) => literal(c.token)) } : {}),
        errors: [],
      },
    }
  }
  // Loaded only when a ref exists: most gateways have none and start faster without.
  const { viewHooks } = await import('../secrets/snapshot.ts')
  const { resolveSecretRefs } = await import('../secrets/resolver.ts')
  const { formatRef } = await import('../secrets/ref.ts')
  // One pass, one spawn per exec provider, for config and profile refs alike.
  const snapshot = await resolveSecretRefs(
    entries.map((e) => e.ref),
    { config, env },
  )
  const errors: GatewaySecrets['errors'] = []
  const resolved = (path: string, value: unknown, fallback: string | undefined) => {
    const entry = entries.find((e) => e.use.kind === 'config' && e.use.path === path)
    if (entry) {
      const r = snapshot.result(entry.ref)
      if (r?.ok) return r.value
      errors.push({ path, ref: formatRef(entry.ref), message: r?.message ?? 'not resolved' })
      return undefined
    }
    return literal(value) ?? fallback
  }
  const secrets: GatewaySecrets = {
    ...pick('token', resolved('gateway.auth.token', cfgAuth.token, literal(env.OPENCLAW_GATEWAY_TOKEN))),
    ...pick('password', resolved('gateway.auth.password', cfgAuth.password, envPassword)),
    ...(clients.length
      ? {
          clientTokens: clients.map((c, i) =>
            resolved(`gateway.auth.clients[${i}].token`, c.token, undefined),
          ),
        }
      : {}),
    errors,
  }
  return {
    counts: {
      total: entries.length,
      failed: entries.filter((e) => snapshot.error(e.ref) !== undefined).length,
    },
    secrets,
    hooks: viewHooks(snapshot),
  }
}
