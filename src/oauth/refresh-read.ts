/**
 * Reading a profile for refresh and judging its persisted refresh outcome; shared by the
 * entry point (refresh.ts) and the lease holder (refresh-under-lease.ts).
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OAuthCredential, StoredProfile } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import { reauthError, transientError } from './failure.ts'
import { stillValid } from './refresh-policy.ts'
import type { RefreshDeps, RefreshOutcome, RefreshRequest } from './refresh-types.ts'

export function readOAuth(
  req: Pick<RefreshRequest, 'store' | 'profileId'>,
): { profile: StoredProfile; cred: OAuthCredential } | { error: OpenclawError } {
  let profile: StoredProfile | undefined
  try {
    profile = req.store.getProfile(req.profileId)
  } catch (err) {
    return { error: asOpenclawError(err) }
  }
  if (!profile) {
    return {
      error: new OpenclawError(
        'profile_not_found',
        `Auth profile "${req.profileId}" not found in ${req.store.path}.`,
        {
          details: { profileId: req.profileId },
        },
      ),
    }
  }
  if (profile.credential.type !== 'oauth') {
    return {
      error: new OpenclawError(
        'invalid_input',
        `Auth profile "${req.profileId}" is a ${profile.credential.type}, not an OAuth profile.`,
        {
          details: { profileId: req.profileId },
        },
      ),
    }
  }
  return { profile, cred: profile.credential }
}

/**
 * A persisted outcome for this credential generation decides without any provider call:
 * re-auth required stays an error; during back-off the old token is served while it lasts.
 */
export function markerVerdict(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  forced: boolean,
  since?: number,
): RefreshOutcome | undefined {
  const m = req.store.getOAuthRefreshMarker(req.profileId)
  if (!m || m.generation !== profile.generation) return undefined
  if (since !== undefined && m.failedAt < since) return undefined
  const provider = normalizeProviderId(cred.provider)
  if (m.status === 'reauth_required') return { error: reauthError(provider, req.profileId, m.reason) }
  if (since === undefined && (m.retryAt ?? 0) <= deps.leaseClock()) return undefined
  if (!forced && stillValid(cred, deps.clock()))
    return { access: cred.access!, ...exp(cred), refreshed: false }
  return { error: transientError(provider, req.profileId, m.reason, m.message, m.retryAt) }
}

export function asOpenclawError(err: unknown): OpenclawError {
  if (OpenclawError.isInstance(err)) return err
  return new OpenclawError('internal', err instanceof Error ? err.message : String(err), { cause: err })
}

export function exp(c: OAuthCredential): { expires?: number } {
  return c.expires !== undefined ? { expires: c.expires } : {}
}
