/**
 * One stored profile's health row for `models status`, and the `--check` problems it raises
 * (each with the command that fixes it). Pure; no secret leaves unmasked.
 */
import { loginCommand } from '../oauth/failure.ts'
import { formatRef } from '../secrets/ref.ts'
import type { RefErrorLookup } from '../secrets/snapshot.ts'
import { evaluateEligibility } from './eligibility.ts'
import { formatRemaining, profileHealth } from './health.ts'
import { normalizeProviderId } from './profile-id.ts'
import type { AuthView } from './resolve.ts'
import type { CheckProblem, CredentialHealthRow } from './status-types.ts'
import type { StoredProfile } from './types.ts'

export function healthRow(
  view: AuthView,
  p: StoredProfile,
  now: number,
  effective: boolean,
): CredentialHealthRow {
  const h = profileHealth(p, now)
  const elig = evaluateEligibility(p, {
    now,
    configMode: view.config.auth?.profiles?.[p.id]?.mode,
    refState: view.refState,
  })
  const provider = normalizeProviderId(p.credential.provider)
  const refresh = refreshStateOf(view, p, provider, now)
  const reauth = refresh?.status === 'reauth_required'
  return {
    profileId: p.id,
    provider,
    type: p.credential.type,
    // A refresh token the provider refused is dead whatever the access token's clock says:
    // never `ok` (C-11, OpenClaw #66952).
    status:
      elig.reason === 'missing_credential' || elig.reason === 'unresolved_ref'
        ? 'missing'
        : reauth
          ? 'expired'
          : h.status,
    reason: elig.reason,
    ...(h.expiresAt !== undefined ? { expiresAt: h.expiresAt } : {}),
    ...(h.remainingMs !== undefined ? { remainingMs: h.remainingMs } : {}),
    refreshable: h.refreshable && !reauth,
    effective,
    inherited: view.owners.get(p.id) !== view.agentId,
    label: reauth ? `${profileLabel(p, now, view)} re-auth required` : profileLabel(p, now, view),
    ...(refresh ? { refresh } : {}),
  }
}

/** The OAuth refresh marker, when it applies to the credential generation now stored. */
function refreshStateOf(
  view: AuthView,
  p: StoredProfile,
  provider: string,
  now: number,
): CredentialHealthRow['refresh'] {
  const m = view.states.get(p.id)?.oauthRefresh
  if (!m || m.generation !== p.generation || p.credential.type !== 'oauth') return undefined
  if (m.status === 'backoff' && (m.retryAt ?? 0) <= now) return undefined
  return {
    status: m.status,
    reason: m.reason,
    message: m.message,
    ...(m.status === 'reauth_required' ? { command: loginCommand(provider) } : {}),
    ...(m.retryAt !== undefined ? { retryAt: m.retryAt } : {}),
  }
}

/** `keyRef file:local:/x could not be resolved: <why>` for an unresolved ref (coordinates, never the value). */
export function refDetail(view: AuthView & RefErrorLookup, p: StoredProfile): string | undefined {
  const c = p.credential
  const ref = c.type === 'api_key' ? c.keyRef : c.type === 'token' ? c.tokenRef : undefined
  const field = c.type === 'api_key' ? 'keyRef' : 'tokenRef'
  if (!ref || view.refState?.(ref) !== 'unresolved') return undefined
  const why = view.refError?.(ref)
  return `${field} ${formatRef(ref)} could not be resolved${why ? `: ${why}` : ''}`
}

export function problemsFor(row: CredentialHealthRow, refIssue?: string): CheckProblem[] {
  const base = { provider: row.provider, profileId: row.profileId }
  const fix = `openclaw models auth paste-${row.type === 'api_key' ? 'api-key' : 'token'} --provider ${row.provider} --profile-id ${row.profileId}`
  if (row.reason === 'unresolved_ref') {
    return [
      {
        ...base,
        level: 'error',
        message: `${row.profileId}: credential missing (unresolved_ref): ${refIssue ?? 'its SecretRef could not be resolved'}`,
        fix: 'fix the secret provider or the ref, then check with: openclaw secrets audit',
      },
    ]
  }
  if (row.reason === 'missing_credential' || row.reason === 'invalid_expires') {
    return [{ ...base, level: 'error', message: `${row.profileId}: credential missing (${row.reason})`, fix }]
  }
  if (row.reason === 'ineligible_profile') {
    return [
      {
        ...base,
        level: 'error',
        message: `${row.profileId}: profile does not match its config (ineligible_profile)`,
      },
    ]
  }
  if (row.type === 'api_key') return []
  if (row.refresh?.status === 'reauth_required') {
    return [
      {
        ...base,
        level: 'error',
        message: `${row.profileId}: re-authentication required (${row.refresh.reason}); the provider refused its refresh token`,
        fix: row.refresh.command,
      },
    ]
  }
  if (row.status === 'missing')
    return [{ ...base, level: 'error', message: `${row.profileId}: no valid expiry or token`, fix }]
  if (row.status === 'expired') {
    return row.refreshable
      ? [
          {
            ...base,
            level: 'warning',
            message: `${row.profileId}: access token expired; it will be refreshed on next use`,
          },
        ]
      : [{ ...base, level: 'error', message: `${row.profileId}: ${row.type} expired`, fix }]
  }
  if (row.status === 'expiring') {
    return [
      {
        ...base,
        level: 'warning',
        message: `${row.profileId}: ${row.type} expires in ${formatRemaining(row.remainingMs ?? 0)}`,
        ...(row.refreshable ? {} : { fix }),
      },
    ]
  }
  return []
}

export function profileLabel(
  p: StoredProfile,
  now: number,
  view: Pick<AuthView, 'owners' | 'agentId'>,
): string {
  const c = p.credential
  const kind =
    c.type === 'api_key'
      ? c.keyRef
        ? 'api-key-ref'
        : 'api_key'
      : c.type === 'token' && c.tokenRef
        ? 'token-ref'
        : c.type
  const h = profileHealth(p, now)
  const parts = [kind]
  if (h.status === 'expired') parts.push(h.refreshable ? 'expired, refreshable' : 'expired')
  else if (h.remainingMs !== undefined && (h.status === 'ok' || h.status === 'expiring')) {
    parts.push(`expires in ${formatRemaining(h.remainingMs)}`)
  }
  const owner = view.owners.get(p.id)
  if (owner && owner !== view.agentId) parts.push(`inherited from ${owner}`)
  return `${p.id} (${parts.join(', ')})`
}
