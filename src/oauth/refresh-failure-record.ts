/**
 * What a failed refresh leaves behind, per generation of the stored credential: a terminal
 * failure (refresh token refused) marks the profile as needing a new login; a transient one
 * records a growing back-off, and the request keeps the stored access token while it is
 * still valid. A marker that cannot be written is logged, never thrown: the refresh outcome
 * itself must still reach the caller.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OAuthCredential, OAuthRefreshMarker, StoredProfile } from '../auth/types.ts'
import { type RefreshFailure, reauthError, transientError } from './failure.ts'
import { backoffMs, stillValid } from './refresh-policy.ts'
import { asOpenclawError, exp } from './refresh-read.ts'
import type { RefreshDeps, RefreshOutcome, RefreshRequest } from './refresh-types.ts'

export function recordFailure(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  f: RefreshFailure,
): RefreshOutcome {
  if (f.kind === 'terminal') return persistTerminal(deps, req, profile, cred, f)
  const provider = normalizeProviderId(cred.provider)
  const prev = safe(() => req.store.getOAuthRefreshMarker(req.profileId))
  const failures =
    prev && prev.generation === profile.generation && prev.status === 'backoff' ? prev.failures + 1 : 1
  const at = deps.leaseClock()
  const retryAt = at + backoffMs(failures, deps.timing)
  const marker: OAuthRefreshMarker = {
    generation: profile.generation,
    status: 'backoff',
    reason: f.reason,
    message: f.detail,
    failures,
    failedAt: at,
    retryAt,
  }
  persistMarker(deps, req, provider, marker)
  deps.log({
    level: 'warn',
    event: 'refresh-failed',
    profileId: req.profileId,
    provider,
    message: `refresh of ${req.profileId} failed (${f.reason}: ${f.detail}); keeping the stored credential, next attempt after ${new Date(retryAt).toISOString()}`,
  })
  if (req.rejectedAccess === undefined && stillValid(cred, deps.clock())) {
    return { access: cred.access!, ...exp(cred), refreshed: false }
  }
  return { error: transientError(provider, req.profileId, f.reason, f.detail, retryAt) }
}

export function persistTerminal(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  f: Extract<RefreshFailure, { kind: 'terminal' }>,
): RefreshOutcome {
  const provider = normalizeProviderId(cred.provider)
  const at = deps.leaseClock()
  persistMarker(deps, req, provider, {
    generation: profile.generation,
    status: 'reauth_required',
    reason: f.reason,
    message: `OAuth token refresh failed for ${provider}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`,
    failures: 1,
    failedAt: at,
  })
  deps.log({
    level: 'error',
    event: 'reauth-required',
    profileId: req.profileId,
    provider,
    message: `${req.profileId} needs a new login (${f.reason}); the stored credential is kept but not used for refresh again`,
  })
  return { error: reauthError(provider, req.profileId, f.reason, f.detail) }
}

function persistMarker(
  deps: RefreshDeps,
  req: RefreshRequest,
  provider: string,
  m: OAuthRefreshMarker,
): void {
  try {
    req.store.setOAuthRefreshMarker(req.profileId, m)
  } catch (err) {
    deps.log({
      level: 'error',
      event: 'refresh-failed',
      profileId: req.profileId,
      provider,
      message: `could not record the refresh outcome of ${req.profileId} in ${req.store.path}: ${asOpenclawError(err).message}`,
    })
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}
