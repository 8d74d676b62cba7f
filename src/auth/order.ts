/**
 * Which profiles a request for `provider` may use, in what order (auth-spec 2.3, DECISIONS 4).
 * Pure: the caller passes profiles, routing state, config and the clock. Everything left out
 * is reported in `excluded` with a reason, so status and probe can explain it.
 */
import type { AuthProfileConfig } from '../config/types.ts'
import { clearExpired, type UnusableScope, unusableFor } from './cooldown.ts'
import { evaluateEligibility, isValidExpires, type RefState } from './eligibility.ts'
import { normalizeProviderId } from './profile-id.ts'
import type {
  CredentialType,
  EligibilityReason,
  FailureClass,
  ProfileState,
  SecretRef,
  StoredProfile,
} from './types.ts'

export interface OrderInput {
  provider: string
  model?: string
  now: number
  /** Everything visible to the agent; filtered by provider here. */
  profiles: readonly StoredProfile[]
  states: ReadonlyMap<string, ProfileState>
  /** Per-agent override (`models auth order set`); wins over config. */
  storedOrder?: readonly string[]
  /** `auth.order[provider]`. */
  configOrder?: readonly string[]
  configProfiles?: Readonly<Record<string, AuthProfileConfig>>
  pin?: { profileId: string; source: 'user' | 'auto' }
  refState?: (ref: SecretRef) => RefState
}

export interface OrderedProfile {
  profileId: string
  type: CredentialType
  available: boolean
  unusable?: { until: number; reason: FailureClass; scope: UnusableScope }
}

export type ExclusionReason =
  | 'excluded_by_auth_order'
  | 'not_stored'
  | 'provider_mismatch'
  | EligibilityReason

export interface ExcludedProfile {
  profileId: string
  reason: ExclusionReason
  detail: string
}

export type OrderSource = 'agent-override' | 'config-order' | 'config-profiles' | 'stored'

export interface OrderResult {
  source: OrderSource
  /** True for an explicit order (agent override or `auth.order`): its sequence is kept. */
  explicit: boolean
  ordered: OrderedProfile[]
  excluded: ExcludedProfile[]
  pinApplied: boolean
}

export const EXCLUDED_BY_ORDER_DETAIL = 'Excluded by auth.order for this provider.'

const SOURCE_LABEL: Record<OrderSource, string> = {
  'agent-override': "the agent's auth order override",
  'config-order': 'auth.order',
  'config-profiles': 'auth.profiles',
  stored: 'the auth store',
}

const TYPE_RANK: Record<CredentialType, number> = { oauth: 0, token: 1, api_key: 2 }

interface Candidate {
  entry: OrderedProfile
  profile: StoredProfile
  lastUsed: number
  accessRank: number
}

/** What an order input decides that no cooldown or use can change (see prepareOrder). */
export type PlanInput = Omit<OrderInput, 'model' | 'states' | 'pin'>

interface PlanEntry {
  id: string
  profile: StoredProfile
  type: CredentialType
  /** 0 when an OAuth access token is usable without a refresh (round-robin tie-break). */
  accessRank: number
}

/**
 * The part of an order that depends only on profiles, config and the clock: the base list,
 * every exclusion, and which profiles are eligible. Valid from `builtAt` until `validUntil`
 * (the next token or access-token expiry), so a caller can reuse it across requests and only
 * cooldowns and last use are looked at per request.
 */
export interface OrderPlan {
  readonly provider: string
  readonly source: OrderSource
  readonly explicit: boolean
  readonly eligible: readonly PlanEntry[]
  readonly excluded: readonly ExcludedProfile[]
  readonly builtAt: number
  readonly validUntil: number
  /** Re-evaluates one id at `now` (a user pin may name a profile outside the base list). */
  readonly evaluateAt: (id: string, now: number) => PlanEntry | ExcludedProfile
  readonly has: (id: string) => boolean
}

export function resolveProfileOrder(input: OrderInput): OrderResult {
  return applyOrder(prepareOrder(input), input)
}

export function prepareOrder(input: PlanInput): OrderPlan {
  const provider = normalizeProviderId(input.provider)
  const { now } = input
  const byId = new Map<string, StoredProfile>()
  for (const p of input.profiles) if (!byId.has(p.id)) byId.set(p.id, p)
  const ofProvider = (p: StoredProfile): boolean => normalizeProviderId(p.credential.provider) === provider
  const configFor = (id: string): AuthProfileConfig | undefined =>
    input.configProfiles && Object.hasOwn(input.configProfiles, id) ? input.configProfiles[id] : undefined

  const { source, explicit, base } = pickBase(input, provider, ofProvider)
  const excluded: ExcludedProfile[] = []
  const eligible: PlanEntry[] = []
  const seen = new Set<string>()
  let validUntil = Number.POSITIVE_INFINITY

  const evaluateAt = (id: string, at: number): PlanEntry | ExcludedProfile => {
    const profile = byId.get(id)
    const cfg = configFor(id)
    if (!profile) {
      // A stale id must not collapse rotation to the remaining ones (OpenClaw #83088).
      const why = cfg?.mode === 'aws-sdk' ? ' (aws-sdk mode uses the AWS credential chain)' : ''
      return {
        profileId: id,
        reason: 'not_stored',
        detail: `Profile is listed in ${SOURCE_LABEL[source]} but has no stored credential${why}; ignored.`,
      }
    }
    if (!ofProvider(profile) || (cfg !== undefined && normalizeProviderId(cfg.provider) !== provider)) {
      const actual = cfg !== undefined && ofProvider(profile) ? cfg.provider : profile.credential.provider
      return {
        profileId: id,
        reason: 'provider_mismatch',
        detail: `Profile belongs to provider "${actual}", not "${provider}".`,
      }
    }
    const verdict = evaluateEligibility(profile, {
      now: at,
      provider,
      ...(cfg ? { configMode: cfg.mode } : {}),
      ...(input.refState ? { refState: input.refState } : {}),
    })
    if (!verdict.eligible) return { profileId: id, reason: verdict.reason, detail: verdict.detail }
    return { id, profile, type: profile.credential.type, accessRank: accessRank(profile, at) }
  }

  for (const id of base) {
    if (seen.has(id)) continue
    seen.add(id)
    const r = evaluateAt(id, now)
    if ('profile' in r) eligible.push(r)
    else excluded.push(r)
    // Token and access-token expiries are the only clock edges of eligibility and rank.
    const expires = (byId.get(id)?.credential as { expires?: unknown } | undefined)?.expires
    if (typeof expires === 'number' && expires > now && expires < validUntil) validUntil = expires
  }

  if (explicit) {
    for (const p of byId.values()) {
      if (ofProvider(p) && !seen.has(p.id)) {
        excluded.push({ profileId: p.id, reason: 'excluded_by_auth_order', detail: EXCLUDED_BY_ORDER_DETAIL })
      }
    }
  }
  Object.freeze(excluded)
  return {
    provider,
    source,
    explicit,
    eligible,
    excluded,
    builtAt: now,
    validUntil,
    evaluateAt,
    has: (id) => byId.has(id),
  }
}

/** Per request: cooldowns, round-robin by last use, the session pin. */
export function applyOrder(
  plan: OrderPlan,
  input: Pick<OrderInput, 'model' | 'now' | 'states' | 'pin'>,
): OrderResult {
  const { now, model } = input
  const { explicit } = plan
  const available: Candidate[] = []
  const unusable: Candidate[] = []
  for (const e of plan.eligible) {
    const c = withState(e, input.states, model, now)
    if (c.entry.available) available.push(c)
    else unusable.push(c)
  }
  if (!explicit && available.length > 1) available.sort(rank)
  // Array.prototype.sort is stable: equal deadlines keep the explicit sequence.
  if (unusable.length > 1) unusable.sort((a, b) => untilOf(a) - untilOf(b) || (explicit ? 0 : rank(a, b)))
  let ordered: OrderedProfile[] = []
  for (const c of available) ordered.push(c.entry)
  for (const c of unusable) ordered.push(c.entry)

  let excluded = plan.excluded as ExcludedProfile[]
  let pinApplied = false
  if (input.pin) {
    const pinId = resolvePinId(input.pin.profileId, plan.provider, plan)
    const idx = ordered.findIndex((e) => e.profileId === pinId)
    if (input.pin.source === 'auto') {
      const hit = ordered[idx]
      if (hit?.available) {
        ordered = [hit, ...ordered.filter((_, i) => i !== idx)]
        pinApplied = true
      }
    } else {
      // A user pin outranks the order; it may be omitted by it or come from a lower tier.
      let hit = idx >= 0 ? ordered[idx] : undefined
      if (!hit) {
        const r = plan.evaluateAt(pinId, now)
        if ('profile' in r) hit = withState(r, input.states, model, now).entry
      }
      if (hit?.available) {
        ordered = [hit, ...ordered.filter((e) => e.profileId !== pinId)]
        const at = excluded.findIndex((e) => e.profileId === pinId)
        if (at >= 0) excluded = excluded.filter((_, i) => i !== at)
        pinApplied = true
      }
    }
  }

  return { source: plan.source, explicit, ordered, excluded, pinApplied }
}

function pickBase(
  input: PlanInput,
  provider: string,
  ofProvider: (p: StoredProfile) => boolean,
): { source: OrderSource; explicit: boolean; base: readonly string[] } {
  // An authored empty list is a decision ("no profiles"), not an absence.
  if (input.storedOrder !== undefined)
    return { source: 'agent-override', explicit: true, base: input.storedOrder }
  if (input.configOrder !== undefined)
    return { source: 'config-order', explicit: true, base: input.configOrder }
  const fromConfig = Object.entries(input.configProfiles ?? {})
    .filter(([, cfg]) => normalizeProviderId(cfg.provider) === provider)
    .map(([id]) => id)
  if (fromConfig.length > 0) return { source: 'config-profiles', explicit: false, base: fromConfig }
  return { source: 'stored', explicit: false, base: input.profiles.filter(ofProvider).map((p) => p.id) }
}

/** Session pins may hold a bare name (`work`) meaning `<provider>:work` (auth-spec 1.3). */
function resolvePinId(pin: string, provider: string, plan: OrderPlan): string {
  if (pin.includes(':') || plan.has(pin)) return pin
  return `${provider}:${pin}`
}

function withState(
  e: PlanEntry,
  states: OrderInput['states'],
  model: string | undefined,
  now: number,
): Candidate {
  const raw = states.get(e.id)
  const state = raw === undefined ? undefined : clearExpired(raw, now)
  const u = state === undefined ? undefined : unusableFor(state, model, now)
  const entry: OrderedProfile = { profileId: e.id, type: e.type, available: u === undefined }
  if (u) entry.unusable = { until: u.until, reason: u.reason, scope: u.scope }
  return {
    entry,
    profile: e.profile,
    lastUsed: state?.lastUsed ?? Number.NEGATIVE_INFINITY,
    accessRank: e.accessRank,
  }
}

/** Round-robin rank: oauth < token < api_key, usable access first, least recently used first. */
function rank(a: Candidate, b: Candidate): number {
  return (
    TYPE_RANK[a.entry.type] - TYPE_RANK[b.entry.type] ||
    a.accessRank - b.accessRank ||
    compareNumbers(a.lastUsed, b.lastUsed) ||
    (a.entry.profileId < b.entry.profileId ? -1 : a.entry.profileId > b.entry.profileId ? 1 : 0)
  )
}

function untilOf(c: Candidate): number {
  return c.entry.unusable?.until ?? 0
}

/** 0 when an OAuth profile can be used without a refresh first; expired ones rank after. */
function accessRank(p: StoredProfile, now: number): number {
  const c = p.credential
  if (c.type !== 'oauth') return 0
  const hasAccess = typeof c.access === 'string' && c.access.trim() !== ''
  if (!hasAccess) return 1
  if (c.expires === undefined) return 0
  return isValidExpires(c.expires) && c.expires > now ? 0 : 1
}

function compareNumbers(a: number, b: number): number {
  // -Infinity (never used) must sort first without producing NaN from Infinity - Infinity.
  return a < b ? -1 : a > b ? 1 : 0
}
