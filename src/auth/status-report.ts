/**
 * Builds the `models status` report and the `--check` verdict from an AuthView. Pure, and
 * built on resolveProviderAuth so status tells exactly what the runtime would do. No secret
 * leaves this module unmasked.
 */
import { loginCommand } from '../oauth/failure.ts'
import { formatRef } from '../secrets/ref.ts'
import type { RefErrorLookup } from '../secrets/snapshot.ts'
import { maskSecret } from '../util/mask.ts'
import { activeWindows } from './cooldown.ts'
import { evaluateEligibility } from './eligibility.ts'
import { DEFAULT_WARN_MS, formatRemaining, profileHealth, providerHealthRollup } from './health.ts'
import { agentModelSelection, providersInUse } from './model-ref.ts'
import { normalizeProviderId } from './profile-id.ts'
import { type AuthView, lookupProviderKey, resolveProviderAuth } from './resolve.ts'
import type { EligibilityReason, HealthStatus, StoredProfile } from './types.ts'

export interface ProviderStatus {
  provider: string
  inUse: boolean
  effective: { kind: 'profile' | 'env' | 'models.json' | 'none'; detail: string }
  profiles: { count: number; oauth: number; token: number; apiKey: number; labels: string[] }
  order: {
    source: string
    explicit: boolean
    ids: string[]
    excluded: Array<{ profileId: string; reason: string; detail: string }>
  }
  env?: { value: string; source: string; count: number }
  modelsJson?: { value: string; source: string }
  error?: string
}

export interface CredentialHealthRow {
  profileId: string
  provider: string
  type: string
  status: HealthStatus
  reason: EligibilityReason
  expiresAt?: number
  remainingMs?: number
  refreshable: boolean
  effective: boolean
  inherited: boolean
  label: string
  /** Persisted OAuth refresh failure of the current credential (src/oauth); absent when none. */
  refresh?: {
    status: 'reauth_required' | 'backoff'
    reason: string
    message: string
    /** The exact command that fixes a re-auth-required profile. */
    command?: string
    retryAt?: number
  }
}

export interface UnusableProfile {
  profileId: string
  provider: string
  kind: 'cooldown' | 'disabled'
  reason: string
  model: string
  until: number
  remainingMs: number
  recovery: string
}

export interface CheckProblem {
  level: 'error' | 'warning'
  provider: string
  profileId?: string
  message: string
  fix?: string
}

export interface StatusReport {
  agentId: string
  defaultModel: string | null
  fallbacks: string[]
  aliases: Record<string, string>
  auth: {
    storePath: string
    providersWithOAuth: string[]
    missingProvidersInUse: string[]
    providers: ProviderStatus[]
    unusableProfiles: UnusableProfile[]
    oauth: {
      warnAfterMs: number
      profiles: CredentialHealthRow[]
      providers: Array<{ provider: string; status: HealthStatus; expiresAt?: number }>
    }
  }
  check: { exitCode: 0 | 1 | 2; problems: CheckProblem[] }
}

const KNOWN_PROVIDERS = ['anthropic', 'openai', 'openrouter', 'google']

export function buildStatusReport(view: AuthView, now: number): StatusReport {
  const cfg = view.config
  const selection = agentModelSelection(cfg, view.agentId)
  const inUse = providersInUse(cfg, view.agentId)
  const providers = collectProviders(
    view,
    inUse.map((u) => u.provider),
  )
  const providerRows: ProviderStatus[] = []
  const healthRows: CredentialHealthRow[] = []
  const problems: CheckProblem[] = []
  const missingInUse: string[] = []

  for (const provider of providers) {
    const used = inUse.find((u) => u.provider === provider)
    const model = used ? used.ref.slice(provider.length + 1) : undefined
    const resolved = resolveProviderAuth(view, { provider, model, now })
    const own = view.profiles.filter((p) => normalizeProviderId(p.credential.provider) === provider)
    const excludedByOrder = new Set(
      (resolved.order?.excluded ?? [])
        .filter((e) => e.reason === 'excluded_by_auth_order')
        .map((e) => e.profileId),
    )
    for (const p of own) {
      const row = healthRow(view, p, now, !excludedByOrder.has(p.id))
      if (row.type !== 'api_key' || row.reason !== 'ok') healthRows.push(row)
      if (row.effective) problems.push(...problemsFor(row, refDetail(view, p)))
    }
    const envKeys = resolved.candidates.filter((c) => c.kind === 'env')
    const cfgKey = lookupProviderKey(cfg.models?.providers, provider)?.apiKey
    const row: ProviderStatus = {
      provider,
      inUse: used !== undefined,
      effective: effectiveOf(resolved.effective),
      profiles: {
        count: own.length,
        oauth: own.filter((p) => p.credential.type === 'oauth').length,
        token: own.filter((p) => p.credential.type === 'token').length,
        apiKey: own.filter((p) => p.credential.type === 'api_key').length,
        labels: own.map((p) => profileLabel(p, now, view)),
      },
      order: {
        source: resolved.order?.source ?? 'stored',
        explicit: resolved.order?.explicit ?? false,
        ids: (resolved.order?.ordered ?? []).map((o) => o.profileId),
        excluded: resolved.order?.excluded ?? [],
      },
    }
    const firstEnv = envKeys[0]
    if (firstEnv && firstEnv.kind === 'env') {
      row.env = { value: maskSecret(firstEnv.secret), source: firstEnv.source, count: envKeys.length }
    }
    if (typeof cfgKey === 'string' && cfgKey.length > 0) {
      row.modelsJson = { value: maskSecret(cfgKey), source: `models.providers.${provider}.apiKey` }
    }
    if (resolved.error) row.error = resolved.error.message
    if (used && !resolved.effective && resolved.candidates.length === 0) {
      missingInUse.push(provider)
      problems.push({
        level: 'error',
        provider,
        message: `${provider} is used by ${used.ref} but has no usable credential: ${resolved.error?.message ?? 'none found'}`,
        fix: `printf '%s\\n' "$KEY" | openclaw models auth paste-api-key --provider ${provider}`,
      })
    }
    providerRows.push(row)
  }

  const unusable = unusableProfiles(view, now)
  const withOAuth = providerRows
    .filter((r) => r.profiles.oauth + r.profiles.token > 0)
    .map((r) => `${r.provider} (${r.profiles.oauth + r.profiles.token})`)
  const exitCode = problems.some((p) => p.level === 'error') ? 1 : problems.length ? 2 : 0
  return {
    agentId: view.agentId,
    defaultModel: selection.primary ?? null,
    fallbacks: selection.fallbacks ?? [],
    aliases: aliasesOf(view),
    auth: {
      storePath: view.storePath,
      providersWithOAuth: withOAuth,
      missingProvidersInUse: missingInUse,
      providers: providerRows,
      unusableProfiles: unusable,
      oauth: {
        warnAfterMs: DEFAULT_WARN_MS,
        profiles: healthRows,
        providers: rollups(healthRows),
      },
    },
    check: { exitCode, problems },
  }
}

function collectProviders(view: AuthView, inUse: string[]): string[] {
  const set = new Set<string>(inUse)
  for (const p of view.profiles) set.add(normalizeProviderId(p.credential.provider))
  for (const p of Object.keys(view.config.models?.providers ?? {})) set.add(normalizeProviderId(p))
  for (const p of KNOWN_PROVIDERS) {
    const r = resolveProviderAuth(view, { provider: p, now: 0 })
    if (r.candidates.some((c) => c.kind === 'env')) set.add(p)
  }
  return [...set].sort()
}

function healthRow(view: AuthView, p: StoredProfile, now: number, effective: boolean): CredentialHealthRow {
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
function refDetail(view: AuthView & RefErrorLookup, p: StoredProfile): string | undefined {
  const c = p.credential
  const ref = c.type === 'api_key' ? c.keyRef : c.type === 'token' ? c.tokenRef : undefined
  const field = c.type === 'api_key' ? 'keyRef' : 'tokenRef'
  if (!ref || view.refState?.(ref) !== 'unresolved') return undefined
  const why = view.refError?.(ref)
  return `${field} ${formatRef(ref)} could not be resolved${why ? `: ${why}` : ''}`
}

function problemsFor(row: CredentialHealthRow, refIssue?: string): CheckProblem[] {
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

function effectiveOf(c: ReturnType<typeof resolveProviderAuth>['effective']): ProviderStatus['effective'] {
  if (!c) return { kind: 'none', detail: '-' }
  if (c.kind === 'profile') return { kind: 'profile', detail: c.profileId }
  if (c.kind === 'env') return { kind: 'env', detail: c.source }
  return { kind: 'models.json', detail: c.source }
}

function unusableProfiles(view: AuthView, now: number): UnusableProfile[] {
  const out: UnusableProfile[] = []
  for (const p of view.profiles) {
    const st = view.states.get(p.id)
    if (!st) continue
    for (const w of activeWindows(st, now)) {
      out.push({
        profileId: p.id,
        provider: normalizeProviderId(p.credential.provider),
        kind: w.kind,
        reason: w.reason,
        model: w.model,
        until: w.until,
        remainingMs: w.remainingMs,
        recovery: recoveryFor(p.id, w.reason),
      })
    }
  }
  return out.sort((a, b) => a.until - b.until)
}

function recoveryFor(profileId: string, reason: string): string {
  const clear = `openclaw models auth clear-cooldown ${profileId}`
  if (reason === 'billing') return `top up credits, then run: ${clear} (or switch provider)`
  if (reason === 'auth' || reason === 'auth_permanent') return `replace the credential, or run: ${clear}`
  return `waits out automatically; to retry now run: ${clear}`
}

function rollups(rows: CredentialHealthRow[]): StatusReport['auth']['oauth']['providers'] {
  const byProvider = new Map<string, CredentialHealthRow[]>()
  for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r])
  return [...byProvider].map(([provider, list]) => {
    const roll = providerHealthRollup(list.map((r) => ({ ...r, profileId: r.profileId })))
    return {
      provider,
      status: roll.status,
      ...(roll.expiresAt !== undefined ? { expiresAt: roll.expiresAt } : {}),
    }
  })
}

function aliasesOf(view: AuthView): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, entry] of Object.entries(view.config.agents?.defaults?.models ?? {})) {
    if (entry?.alias) out[entry.alias] = key
  }
  return out
}
