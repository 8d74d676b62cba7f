/**
 * The one credential resolution function. The CLI (status, list, check), the probe and the
 * gateway's request path all call `resolveProviderAuth`, so what status reports is what the
 * runtime does (DECISIONS section 1). Pure: the caller passes an AuthView snapshot and `now`.
 */
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { loginCommand } from '../oauth/failure.ts'
import { evaluateEligibility } from './eligibility.ts'
import { type KeyAvailability, type KeySource, keyCandidate, keySourcesFor } from './key-candidates.ts'
import { applyOrder, type OrderPlan, type OrderResult, prepareOrder } from './order.ts'
import { normalizeProviderId } from './profile-id.ts'
import type { CredentialType, FailureClass, ProfileState, SecretRef, StoredProfile } from './types.ts'

export type RefState = (ref: SecretRef) => 'resolved' | 'unresolved' | 'unknown'

/** A read-only picture of everything that decides which credential an agent uses. */
export interface AuthView {
  agentId: string
  storePath: string
  /** Own profiles plus those read through from the default agent (own wins on id clash). */
  profiles: readonly StoredProfile[]
  /** profileId -> agent id whose store owns the row (state writes go there). */
  owners: ReadonlyMap<string, string>
  states: ReadonlyMap<string, ProfileState>
  /** The agent's own `models auth order set` overrides. */
  orderOverrides: Readonly<Record<string, readonly string[]>>
  config: OpenclawConfig
  env: Readonly<Record<string, string | undefined>>
  refState?: RefState
  /** Resolved secret of a ref-backed profile (secrets snapshot); undefined when not resolved. */
  refValue?: (ref: SecretRef) => string | undefined
}

export type Candidate =
  | {
      kind: 'profile'
      profileId: string
      mode: CredentialType
      source: string
      secret: string | undefined
      available: boolean
      unusable?: { until: number; reason: FailureClass; scope: 'profile' | 'model' | 'disabled' }
      /** An OAuth profile whose refresh token the provider refused: only a new login helps. */
      reauth?: { reason: string; command: string }
    }
  | ({
      kind: 'env'
      varName: string
      source: string
      mode: 'api_key'
      secret: string
      index: number
      /** Where the key's cooldowns live (key-state-id.ts); never the value. */
      stateId: string
    } & KeyAvailability)
  | ({ kind: 'config'; source: string; mode: 'api_key'; secret: string; stateId: string } & KeyAvailability)

export interface ResolvedAuth {
  provider: string
  model: string | undefined
  order: OrderResult | undefined
  candidates: Candidate[]
  /** First candidate usable right now (a profile, env key or config key not cooling down). */
  effective: Candidate | undefined
  /** Set when there is no candidate at all. */
  error: OpenclawError | undefined
}

export interface ResolveRequest {
  provider: string
  model?: string
  now: number
  pin?: { profileId: string; source: 'user' | 'auto' }
  /** Resolve exactly this profile (probe, `@profileId` request pin); no fallback. */
  profileId?: string
}

interface CachedPlan {
  plan: OrderPlan
  /** Candidate fields that only change with the view: source label and secret per profile. */
  fixed: Map<string, FixedFields>
  /** Env / config fallback keys with their state ids; built on first use (most providers have profiles). */
  keys?: readonly KeySource[]
}

interface FixedFields {
  source: string
  secret: string | undefined
  profile: StoredProfile | undefined
}

/**
 * Plans per view and provider. A view is replaced whenever profiles, config or secrets change,
 * so keying on its identity cannot serve a stale plan; the plan's own window covers the clock.
 */
const plans = new WeakMap<AuthView, Map<string, CachedPlan>>()

function planFor(view: AuthView, provider: string, now: number): CachedPlan {
  let byProvider = plans.get(view)
  if (!byProvider) {
    byProvider = new Map()
    plans.set(view, byProvider)
  }
  const hit = byProvider.get(provider)
  if (hit && now >= hit.plan.builtAt && now < hit.plan.validUntil) return hit
  const plan = prepareOrder({
    provider,
    now,
    profiles: view.profiles,
    storedOrder: lookupProviderKey(view.orderOverrides, provider),
    configOrder: lookupProviderKey(view.config.auth?.order, provider),
    configProfiles: view.config.auth?.profiles,
    refState: view.refState,
  })
  const fixed = new Map<string, FixedFields>()
  for (const e of plan.eligible)
    fixed.set(e.id, { source: `profile:${e.id}`, secret: secretOf(e.profile, view), profile: e.profile })
  const cached = { plan, fixed }
  byProvider.set(provider, cached)
  return cached
}

export function resolveProviderAuth(view: AuthView, req: ResolveRequest): ResolvedAuth {
  const provider = normalizeProviderId(req.provider)
  if (req.profileId !== undefined) return resolveExplicit(view, provider, req)
  const configOrder = lookupProviderKey(view.config.auth?.order, provider)
  const cached = planFor(view, provider, req.now)
  const { plan, fixed } = cached
  const order = applyOrder(plan, { model: req.model, now: req.now, states: view.states, pin: req.pin })
  const candidates: Candidate[] = order.ordered.map((o) => {
    // A user pin may name a profile outside the plan's base list.
    const f = fixed.get(o.profileId) ?? pinnedFixed(view, o.profileId)
    const m = o.type === 'oauth' ? view.states.get(o.profileId)?.oauthRefresh : undefined
    const reauth =
      m?.status === 'reauth_required' && m.generation === f.profile?.generation
        ? { reason: m.reason, command: loginCommand(provider) }
        : undefined
    const c: Candidate = {
      kind: 'profile',
      profileId: o.profileId,
      mode: o.type,
      source: f.source,
      secret: f.secret,
      available: o.available,
    }
    if (o.unusable) c.unusable = o.unusable
    if (reauth) c.reauth = reauth
    return c
  })
  const disabledByEmptyOrder = order.explicit && order.source === 'config-order' && configOrder?.length === 0
  // A configured SecretRef that fails is an outage to report, never a reason to quietly send
  // some other credential (auth-spec 2.7: no fallback to env or config keys).
  const blockedByRef = order.excluded.some((e) => e.reason === 'unresolved_ref')
  if (candidates.length === 0 && !disabledByEmptyOrder && !blockedByRef) {
    cached.keys ??= keySourcesFor(provider, view.env, configKeySecret(view, provider))
    for (let index = 0; index < cached.keys.length; index++)
      candidates.push(keyCandidate(cached.keys[index]!, index, view.states, req.model, req.now))
  }
  const effective = candidates.find((c) => c.available)
  let error: OpenclawError | undefined
  if (candidates.length === 0) {
    error = disabledByEmptyOrder
      ? new OpenclawError(
          'no_credentials',
          `Provider "${provider}" is disabled: auth.order.${provider} is an empty list.`,
          {
            hint: `Remove auth.order.${provider} from openclaw.json or list the profiles to use.`,
            details: { provider },
          },
        )
      : noCredentialsError(provider, view, order)
  }
  return { provider, model: req.model, order, candidates, effective, error }
}

function resolveExplicit(view: AuthView, provider: string, req: ResolveRequest): ResolvedAuth {
  const id = req.profileId!
  const profile = view.profiles.find((p) => p.id === id)
  const fail = (message: string): ResolvedAuth => ({
    provider,
    model: req.model,
    order: undefined,
    candidates: [],
    effective: undefined,
    error: new OpenclawError('no_credentials', message, {
      hint: `Check it with: openclaw models auth list --provider ${provider}`,
      details: { provider, profileId: id },
    }),
  })
  if (!profile) return fail(`No credentials found for profile "${id}".`)
  const elig = evaluateEligibility(profile, {
    now: req.now,
    provider,
    configMode: view.config.auth?.profiles?.[id]?.mode,
    refState: view.refState,
  })
  if (!elig.eligible) return fail(`Auth profile "${id}" is not usable (${elig.reason}): ${elig.detail}`)
  const candidate: Candidate = {
    kind: 'profile',
    profileId: id,
    mode: profile.credential.type,
    source: `profile:${id}`,
    secret: secretOf(profile, view),
    available: true,
  }
  return {
    provider,
    model: req.model,
    order: undefined,
    candidates: [candidate],
    effective: candidate,
    error: undefined,
  }
}

function configKeySecret(view: AuthView, provider: string): string | undefined {
  const cfgKey = lookupProviderKey(view.config.models?.providers, provider)?.apiKey
  if (cfgKey === undefined) return undefined
  return typeof cfgKey === 'string' ? cfgKey : view.refValue?.(cfgKey)
}

function pinnedFixed(view: AuthView, id: string): FixedFields {
  const profile = view.profiles.find((p) => p.id === id)
  return { source: `profile:${id}`, secret: profile ? secretOf(profile, view) : undefined, profile }
}

/** The secret a profile would send: a resolved ref beats plaintext (spec 2.7). */
export function secretOf(profile: StoredProfile, view: Pick<AuthView, 'refValue'>): string | undefined {
  const c = profile.credential
  switch (c.type) {
    case 'api_key':
      return c.keyRef ? view.refValue?.(c.keyRef) : nonBlank(c.key)
    case 'token':
      return c.tokenRef ? view.refValue?.(c.tokenRef) : nonBlank(c.token)
    case 'oauth':
      return nonBlank(c.access)
  }
}

function nonBlank(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined
}

/** Provider keys in config are compared after normalisation (`OpenAI` == `openai`). */
export function lookupProviderKey<T>(
  record: Readonly<Record<string, T>> | undefined,
  provider: string,
): T | undefined {
  if (!record) return undefined
  if (Object.hasOwn(record, provider)) return record[provider]
  for (const [k, v] of Object.entries(record)) if (normalizeProviderId(k) === provider) return v
  return undefined
}

function noCredentialsError(provider: string, view: AuthView, order: OrderResult): OpenclawError {
  const excluded = order.excluded.filter(
    (e) => e.reason !== 'excluded_by_auth_order' && e.reason !== 'not_stored',
  )
  const why = excluded.length
    ? ` Stored profiles are unusable: ${excluded.map((e) => `${e.profileId} (${e.reason})`).join(', ')}.`
    : ''
  return new OpenclawError('no_credentials', `No API key found for provider "${provider}".${why}`, {
    hint:
      `Auth store: ${view.storePath}. Add a key: printf '%s\\n' "$KEY" | openclaw models auth paste-api-key --provider ${provider}` +
      ` (or export ${provider.toUpperCase().replace(/-/g, '_')}_API_KEY).`,
    details: { provider, agentId: view.agentId },
  })
}
