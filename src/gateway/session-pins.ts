/**
 * Session pins: which stored pin applies to a chain entry, and the order signature that
 * invalidates automatic pins when the auth order or the profile set changes.
 */
import { normalizeProviderId, parseProfileId } from '../auth/profile-id.ts'
import { lookupProviderKey } from '../auth/resolve.ts'
import type { SessionRecord } from '../store/session-repo.ts'
import type { ChainEntry } from './failover.ts'
import type { GatewayState } from './gateway-state.ts'

/** The session's pin applies only to entries of its own provider; a stale auto pin is dropped. */
export function pinFor(session: SessionRecord | undefined, entry: ChainEntry, signature: string) {
  if (!session?.profileOverride || entry.profileId) return undefined
  const source = session.profileOverrideSource ?? 'user'
  let provider: string
  try {
    provider = normalizeProviderId(parseProfileId(session.profileOverride).provider)
  } catch {
    return undefined
  }
  if (provider !== entry.provider) return undefined
  if (source === 'auto' && session.orderSignature !== signature) return undefined
  return { profileId: session.profileOverride, source }
}

/** Changes whenever the effective order configuration for a provider changes (invalidates auto pins). */
export function orderSignature(view: ReturnType<GatewayState['view']>, provider: string): string {
  const override = lookupProviderKey(view.orderOverrides, provider)
  const cfg = lookupProviderKey(view.config.auth?.order, provider)
  const ids = view.profiles
    .filter((p) => normalizeProviderId(p.credential.provider) === provider)
    .map((p) => p.id)
  return JSON.stringify([override ?? null, cfg ?? null, ids])
}
