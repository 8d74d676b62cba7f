/**
 * Probe target selection (auth-spec 4.4). Pure: the caller passes the agent's AuthView and the
 * clock. One target per stored profile of each provider, or the env / config credential where
 * a provider has none. Anything that would not be sent by the runtime anyway (excluded by the
 * order, ineligible, no model) is decided here, without a request.
 */
import { evaluateEligibility } from '../auth/eligibility.ts'
import { providersInUse } from '../auth/model-ref.ts'
import { normalizeProviderId, parseProfileId } from '../auth/profile-id.ts'
import { type AuthView, resolveProviderAuth } from '../auth/resolve.ts'
import type { StoredProfile } from '../auth/types.ts'
import { claudeCliAuthChoice, isRoutedToClaudeCli } from '../claude-cli/routing.ts'
import { BUILTIN_PROVIDERS } from '../providers/registry.ts'
import { probeModelFor } from './model-choice.ts'
import { ineligibleError } from './status-bucket.ts'
import type { ProbeOptions, ProbeReasonCode, ProbeResult, ProbeTarget } from './types.ts'

export const EXCLUDED_DETAIL = 'Excluded by auth.order for this provider.'

export function selectProbeTargets(view: AuthView, opts: ProbeOptions, now: number): ProbeTarget[] {
  const targets: ProbeTarget[] = []
  const wanted = new Set(opts.profileIds)
  for (const provider of providersToProbe(view, opts)) {
    const model = probeModelFor(view.config, view.agentId, provider)
    const viaCli = model !== undefined && isRoutedToClaudeCli(view.config, `${provider}/${model}`)
    const via = viaCli ? { via: 'claude-cli' as const } : {}
    const own = view.profiles.filter((p) => normalizeProviderId(p.credential.provider) === provider)
    const profiles = wanted.size ? own.filter((p) => wanted.has(p.id)) : own
    if (profiles.length > 0) {
      for (const p of profiles) targets.push({ ...profileTarget(view, provider, model, p, now), ...via })
    } else if (wanted.size === 0 && own.length === 0) {
      const t = fallbackTarget(view, provider, model, now)
      if (t) targets.push({ ...t, ...via })
      else if (viaCli && model !== undefined) {
        // What the gateway does for this model when no OpenClaw credential is selected.
        const r = resolveProviderAuth(view, { provider: 'anthropic', model, now })
        if (claudeCliAuthChoice(r).kind === 'cli') {
          targets.push({
            provider,
            model: `${provider}/${model}`,
            profileId: null,
            label: 'claude-cli',
            source: 'claude-cli',
            mode: 'cli',
            via: 'claude-cli',
            kind: 'cli',
          })
        }
      }
    }
  }
  // Named ids that match no stored profile still get a line: silence would read as "fine".
  const seen = new Set(targets.map((t) => t.profileId))
  for (const id of opts.profileIds) {
    if (seen.has(id)) continue
    const provider = normalizeProviderId(parseProfileId(id).provider)
    if (opts.provider !== undefined && provider !== opts.provider) continue
    const base = { provider, model: null, profileId: id, label: id, source: 'profile' as const, mode: '-' }
    targets.push(done(base, 'unknown', 'missing_credential', 'No stored credential has this profile id.'))
  }
  return targets
}

function providersToProbe(view: AuthView, opts: ProbeOptions): string[] {
  if (opts.provider !== undefined) return [opts.provider]
  const set = new Set<string>()
  for (const p of view.profiles) set.add(normalizeProviderId(p.credential.provider))
  for (const p of Object.keys(view.config.models?.providers ?? {})) set.add(normalizeProviderId(p))
  for (const u of providersInUse(view.config, view.agentId)) set.add(u.provider)
  for (const p of Object.keys(BUILTIN_PROVIDERS)) {
    const r = resolveProviderAuth(view, { provider: p, now: 0 })
    if (r.candidates.some((c) => c.kind !== 'profile')) set.add(p)
  }
  return [...set].sort()
}

function profileTarget(
  view: AuthView,
  provider: string,
  model: string | undefined,
  p: StoredProfile,
  now: number,
): ProbeTarget {
  const base = {
    provider,
    model: model === undefined ? null : `${provider}/${model}`,
    profileId: p.id,
    label: p.id,
    source: 'profile' as const,
    mode: String(p.credential.type),
  }
  const order = resolveProviderAuth(view, { provider, ...(model ? { model } : {}), now }).order
  const excluded = order?.excluded.find((e) => e.profileId === p.id)
  if (excluded?.reason === 'excluded_by_auth_order') {
    return done(base, 'unknown', 'excluded_by_auth_order', EXCLUDED_DETAIL, false)
  }
  const cfg = view.config.auth?.profiles?.[p.id]
  const elig = evaluateEligibility(p, {
    now,
    provider,
    ...(cfg ? { configMode: cfg.mode } : {}),
    ...(view.refState ? { refState: view.refState } : {}),
  })
  if (!elig.eligible) return done(base, 'unknown', elig.reason as ProbeReasonCode, elig.detail)
  if (excluded?.reason === 'provider_mismatch')
    return done(base, 'unknown', 'ineligible_profile', excluded.detail)
  if (model === undefined) return noModel(base, provider)
  if (needsRefresh(p, now)) return { ...base, kind: 'refresh', profileId: p.id }
  const resolved = resolveProviderAuth(view, { provider, model, now, profileId: p.id })
  const c = resolved.effective
  if (!c || resolved.error || c.secret === undefined) {
    return done(base, 'unknown', 'ineligible_profile', resolved.error?.message ?? 'No usable secret.')
  }
  return { ...base, model: `${provider}/${model}`, kind: 'run', candidate: c }
}

/** An OAuth access token that is gone or past its expiry must be refreshed before it can answer. */
function needsRefresh(p: StoredProfile, now: number): boolean {
  const c = p.credential
  if (c.type !== 'oauth') return false
  const hasAccess = typeof c.access === 'string' && c.access.trim() !== ''
  return !hasAccess || (typeof c.expires === 'number' && c.expires <= now)
}

function fallbackTarget(
  view: AuthView,
  provider: string,
  model: string | undefined,
  now: number,
): ProbeTarget | undefined {
  const resolved = resolveProviderAuth(view, { provider, ...(model ? { model } : {}), now })
  // The key the gateway would send now: with the first env key cooling, the gateway serves from
  // the next one, and probing the cooling one would report the provider rate-limited while it
  // is serving. Only when every key is cooling is the first one probed.
  const isKey = (x: { kind: string }) => x.kind === 'env' || x.kind === 'config'
  const eff = resolved.effective
  const c = eff && isKey(eff) ? eff : resolved.candidates.find(isKey)
  if (!c || (c.kind !== 'env' && c.kind !== 'config')) return undefined
  const base =
    c.kind === 'env'
      ? {
          provider,
          model: model === undefined ? null : `${provider}/${model}`,
          profileId: null,
          label: c.source,
          source: 'env' as const,
          mode: /OAUTH_TOKEN/.test(c.varName) ? 'oauth' : 'api_key',
        }
      : {
          provider,
          model: model === undefined ? null : `${provider}/${model}`,
          profileId: null,
          label: 'models.json',
          source: 'models.json' as const,
          mode: 'api_key',
        }
  if (model === undefined) return noModel(base, provider)
  return { ...base, model: `${provider}/${model}`, kind: 'run', candidate: c }
}

function noModel(base: Omit<ProbeResult, 'status' | 'latencyMs'>, provider: string): ProbeTarget {
  const result: ProbeResult = {
    ...base,
    status: 'no_model',
    reasonCode: 'no_model',
    error: `No model configured for ${provider}; set agents.defaults.model or models.providers.${provider}.models.`,
    latencyMs: null,
  }
  return { ...base, kind: 'done', result }
}

function done(
  base: Omit<ProbeResult, 'status' | 'latencyMs'>,
  status: ProbeResult['status'],
  code: ProbeReasonCode,
  detail: string,
  legacy = true,
): ProbeTarget {
  const result: ProbeResult = {
    ...base,
    status,
    reasonCode: code,
    error: legacy ? ineligibleError(code, detail) : detail,
    latencyMs: null,
  }
  return { ...base, kind: 'done', result }
}
