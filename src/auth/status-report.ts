/**
 * Builds the `models status` report and the `--check` verdict from an AuthView. Pure, and
 * built on resolveProviderAuth so status tells exactly what the runtime would do. No secret
 * leaves this module unmasked. Per-profile rows and problems: credential-health.ts.
 */
import { claudeCliLoginReport, claudeCliProblems } from '../claude-cli/login-health.ts'
import { claudeCliAuthChoice, claudeCliRoutedModels, isRoutedToClaudeCli } from '../claude-cli/routing.ts'
import { maskSecret } from '../util/mask.ts'
import { type ActiveWindow, activeWindows } from './cooldown.ts'
import { healthRow, problemsFor, profileLabel, refDetail } from './credential-health.ts'
import { DEFAULT_WARN_MS, providerHealthRollup } from './health.ts'
import { envRow, modelsWithWindows, unusableKeys } from './key-status.ts'
import { agentModelSelection, modelRefsInUse, providersInUse } from './model-ref.ts'
import { normalizeProviderId } from './profile-id.ts'
import { type AuthView, lookupProviderKey, resolveProviderAuth } from './resolve.ts'
import type {
  CheckProblem,
  CredentialHealthRow,
  ProviderStatus,
  StatusInputs,
  StatusReport,
  UnavailableWindow,
  UnusableKey,
  UnusableProfile,
} from './status-types.ts'

export type {
  CheckProblem,
  CredentialHealthRow,
  ProviderStatus,
  StatusInputs,
  StatusReport,
  UnusableKey,
  UnusableProfile,
}
export { profileLabel }

const KNOWN_PROVIDERS = ['anthropic', 'openai', 'openrouter', 'google']

/** `--check` on an install with no credential and no default model at all. */
export const NO_CREDENTIALS = 'NO_CREDENTIALS'

/**
 * `inputs.claudeCli` is the host's Claude Code login, read by the caller (I/O) when a model is
 * routed to claude-cli; without it such models are checked like any other.
 */
export function buildStatusReport(view: AuthView, now: number, inputs: StatusInputs = {}): StatusReport {
  const cfg = view.config
  const selection = agentModelSelection(cfg, view.agentId)
  const inUse = providersInUse(cfg, view.agentId)
  const cli = claudeCliServed(view, now, inputs)
  const providers = collectProviders(
    view,
    inUse.map((u) => u.provider),
  )
  const providerRows: ProviderStatus[] = []
  const healthRows: CredentialHealthRow[] = []
  const problems: CheckProblem[] = []
  const missingInUse: string[] = []
  const keyWindows: UnusableKey[] = []

  if (cli) problems.push(...claudeCliProblems(cli))
  for (const provider of providers) {
    const used = inUse.find((u) => u.provider === provider)
    // Models the Claude CLI login serves cannot make their provider "missing"; the others can.
    const needsCredential = modelRefsInUse(cfg, view.agentId).find(
      (u) => u.provider === provider && !cli?.serves.includes(u.ref),
    )
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
    const cfgKey = lookupProviderKey(cfg.models?.providers, provider)?.apiKey
    const row: ProviderStatus = {
      provider,
      inUse: used !== undefined,
      effective:
        !resolved.effective && cli && cli.serves.some((ref) => ref.startsWith(`${provider}/`)) && !cli.refusal
          ? { kind: 'claude-cli', detail: cli.account ?? 'claude-cli' }
          : effectiveOf(resolved.effective),
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
    const env = envRow(resolved.candidates)
    if (env) row.env = env
    keyWindows.push(...unusableKeys(provider, resolved.candidates, view.states, now))
    const byModel = effectiveByModel(view, provider, model, row.effective, resolved.candidates, now)
    if (byModel) row.effectiveByModel = byModel
    if (typeof cfgKey === 'string' && cfgKey.length > 0) {
      row.modelsJson = { value: maskSecret(cfgKey), source: `models.providers.${provider}.apiKey` }
    }
    if (resolved.error) row.error = resolved.error.message
    if (needsCredential && !resolved.effective && resolved.candidates.length === 0) {
      missingInUse.push(provider)
      problems.push({
        level: 'error',
        provider,
        message: `${provider} is used by ${needsCredential.ref} but has no usable credential: ${resolved.error?.message ?? 'none found'}`,
        fix: `printf '%s\\n' "$KEY" | openclaw models auth paste-api-key --provider ${provider}`,
      })
    }
    providerRows.push(row)
  }

  // An install with nothing to check is a broken deployment, not a healthy one: a cron check
  // that passes on it would hide exactly the case it exists for (docs/decisions.md).
  const anyCredential =
    view.profiles.length > 0 ||
    providerRows.some((r) => r.effective.kind !== 'none' || r.env !== undefined || r.modelsJson !== undefined)
  if (!anyCredential && inUse.length === 0 && problems.length === 0) {
    problems.push({
      level: 'error',
      code: NO_CREDENTIALS,
      provider: '*',
      message: `No credentials configured: no auth profile in ${view.storePath}, no provider API key in the environment or models.providers, and no default model (agents.defaults.model) to check`,
      fix: `openclaw onboard   (or: printf '%s\\n' "$KEY" | openclaw models auth paste-api-key --provider <provider>)`,
    })
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
      unusableKeys: keyWindows.sort((a, b) => a.until - b.until),
      oauth: {
        warnAfterMs: DEFAULT_WARN_MS,
        profiles: healthRows,
        providers: rollups(healthRows),
      },
      ...(cli ? { claudeCli: cli } : {}),
    },
    check: { exitCode, problems },
  }
}

/**
 * The Claude CLI login's part: the routed models in use for which the gateway would run
 * `claude` on its own login (claudeCliAuthChoice, the gateway's own rule) and the login's health.
 */
function claudeCliServed(view: AuthView, now: number, inputs: StatusInputs) {
  const routedModels = claudeCliRoutedModels(view.config)
  if (!inputs.claudeCli || routedModels.length === 0) return undefined
  const serves = modelRefsInUse(view.config, view.agentId)
    .filter((u) => isRoutedToClaudeCli(view.config, u.ref))
    .filter((u) => {
      const model = u.ref.slice(u.provider.length + 1)
      const resolved = resolveProviderAuth(view, { provider: 'anthropic', model, now })
      return claudeCliAuthChoice(resolved).kind === 'cli'
    })
    .map((u) => u.ref)
  return claudeCliLoginReport({
    login: inputs.claudeCli.login,
    linked: inputs.claudeCli.linked,
    now,
    routedModels,
    serves,
  })
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

function effectiveOf(c: ReturnType<typeof resolveProviderAuth>['effective']): ProviderStatus['effective'] {
  if (!c) return { kind: 'none', detail: '-' }
  if (c.kind === 'profile') return { kind: 'profile', detail: c.profileId }
  if (c.kind === 'env') return { kind: 'env', detail: c.source }
  return { kind: 'models.json', detail: c.source }
}

/** What serves each model that has its own cooldown, where that differs from `effective`. */
function effectiveByModel(
  view: AuthView,
  provider: string,
  model: string | undefined,
  effective: ProviderStatus['effective'],
  candidates: ReturnType<typeof resolveProviderAuth>['candidates'],
  now: number,
): ProviderStatus['effectiveByModel'] {
  const out: NonNullable<ProviderStatus['effectiveByModel']> = {}
  for (const m of modelsWithWindows(candidates, view.states, now)) {
    if (m === model) continue
    const e = effectiveOf(resolveProviderAuth(view, { provider, model: m, now }).effective)
    if (e.kind !== effective.kind || e.detail !== effective.detail) out[m] = e
  }
  return Object.keys(out).length ? out : undefined
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
        ...unavailableWindow(w, p.id),
      })
    }
  }
  return out.sort((a, b) => a.until - b.until)
}

/** The recovery action for a cooldown / disable (status, list and doctor say the same). */
/** A running window as status reports it, with the command that ends it. */
export function unavailableWindow(w: ActiveWindow, id: string): UnavailableWindow {
  return {
    kind: w.kind,
    reason: w.reason,
    model: w.model,
    until: w.until,
    remainingMs: w.remainingMs,
    recovery: recoveryFor(id, w.reason),
  }
}

export function recoveryFor(profileId: string, reason: string): string {
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
