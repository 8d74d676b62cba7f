/**
 * Whether a stored profile can be used at all (auth-spec 1.5). The resolver, the order and
 * `models status --probe` all call this one function so their verdicts cannot drift apart.
 * Details name what is wrong; they never contain a secret value.
 */
import { normalizeProviderId } from './profile-id.ts'
import type { EligibilityReason, ProfileMode, SecretRef, StoredProfile } from './types.ts'

/** Largest timestamp a JS Date can hold (8.64e15 ms). */
export const MAX_DATE_MS = 8.64e15

export type RefState = 'resolved' | 'unresolved' | 'unknown'

export interface EligibilityOptions {
  now: number
  provider?: string
  /** `auth.profiles.<id>.mode` from config, when the profile is declared there. */
  configMode?: ProfileMode
  /** Resolution status of a SecretRef; absent means "not checked" and never blocks. */
  refState?: (ref: SecretRef) => RefState
}

export interface EligibilityResult {
  eligible: boolean
  reason: EligibilityReason
  detail: string
}

export function isValidExpires(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_DATE_MS
}

export function evaluateEligibility(profile: StoredProfile, opts: EligibilityOptions): EligibilityResult {
  // Stored rows come from disk; fields are re-checked at runtime, not trusted to match the types.
  const cred = profile.credential as unknown as Record<string, unknown> | undefined
  if (!cred || typeof cred !== 'object') return no('missing_credential', 'Profile has no stored credential.')
  const type = cred.type
  const storedProvider = typeof cred.provider === 'string' ? cred.provider : ''

  if (
    opts.provider !== undefined &&
    normalizeProviderId(storedProvider) !== normalizeProviderId(opts.provider)
  ) {
    return no(
      'ineligible_profile',
      `Profile belongs to provider "${storedProvider}", not "${normalizeProviderId(opts.provider)}".`,
    )
  }
  if (type !== 'api_key' && type !== 'token' && type !== 'oauth') {
    return no('ineligible_profile', 'Stored credential has an unknown type.')
  }
  if (opts.configMode !== undefined) {
    if (opts.configMode === 'aws-sdk') {
      return no(
        'ineligible_profile',
        `Config mode "aws-sdk" uses the AWS credential chain; the stored ${type} credential conflicts with it.`,
      )
    }
    // Older configs declare `oauth` for Anthropic setup-tokens, which are stored as `token`.
    const tolerated = opts.configMode === 'oauth' && type === 'token'
    if (opts.configMode !== type && !tolerated) {
      return no(
        'ineligible_profile',
        `Config mode is "${opts.configMode}" but the stored credential is ${type}.`,
      )
    }
  }

  switch (type) {
    case 'api_key':
      return apiKey(cred, opts)
    case 'token':
      return token(cred, opts)
    case 'oauth':
      return oauth(cred, opts)
  }
}

function apiKey(cred: Record<string, unknown>, opts: EligibilityOptions): EligibilityResult {
  const ref = asSecretRef(cred.keyRef)
  // A configured ref is the source of truth; a leftover plaintext key must not mask a broken ref.
  if (ref && refStateOf(ref, opts) === 'unresolved') {
    return no('unresolved_ref', `keyRef ${describeRef(ref)} could not be resolved.`)
  }
  if (!ref && !nonBlank(cred.key))
    return no('missing_credential', 'API key profile has neither a key nor a keyRef.')
  return yes('API key is configured.')
}

function token(cred: Record<string, unknown>, opts: EligibilityOptions): EligibilityResult {
  const ref = asSecretRef(cred.tokenRef)
  if (!ref && !nonBlank(cred.token)) {
    return no('missing_credential', 'Token profile has neither a token nor a tokenRef.')
  }
  if (cred.expires !== undefined) {
    if (!isValidExpires(cred.expires))
      return no('invalid_expires', invalidExpiresDetail('Token', cred.expires))
    const expires = cred.expires as number
    // A tokenRef is checked too: a ref does not make a dated token immortal.
    if (expires <= opts.now) return no('expired', `Token expired at ${iso(expires)}.`)
  }
  if (ref && refStateOf(ref, opts) === 'unresolved') {
    return no('unresolved_ref', `tokenRef ${describeRef(ref)} could not be resolved.`)
  }
  return yes(
    cred.expires === undefined ? 'Token is configured.' : `Token valid until ${iso(cred.expires as number)}.`,
  )
}

function oauth(cred: Record<string, unknown>, opts: EligibilityOptions): EligibilityResult {
  const refField = ['access', 'refresh', 'keyRef', 'tokenRef', 'accessRef', 'refreshRef'].find(
    (k) => asSecretRef(cred[k]) !== undefined,
  )
  if (refField !== undefined) {
    return no(
      'ineligible_profile',
      `OAuth profiles cannot use SecretRefs (found one in "${refField}"); log in again to store the tokens.`,
    )
  }
  const hasAccess = nonBlank(cred.access)
  const hasRefresh = nonBlank(cred.refresh)
  if (!hasAccess && !hasRefresh) {
    return no('missing_credential', 'OAuth profile has neither an access token nor a refresh token.')
  }
  if (cred.expires !== undefined && !isValidExpires(cred.expires)) {
    return no('invalid_expires', invalidExpiresDetail('Access token', cred.expires))
  }
  const expires = cred.expires as number | undefined
  if (expires !== undefined && expires <= opts.now) {
    // The runtime refreshes an expired access token; without a refresh token it is simply dead.
    if (!hasRefresh)
      return no('expired', `Access token expired at ${iso(expires)} and there is no refresh token.`)
    return yes(`Access token expired at ${iso(expires)}; it will be refreshed on use.`)
  }
  if (!hasAccess) return yes('No access token yet; it will be obtained with the refresh token.')
  return yes(
    expires === undefined ? 'OAuth tokens are configured.' : `Access token valid until ${iso(expires)}.`,
  )
}

function refStateOf(ref: SecretRef, opts: EligibilityOptions): RefState {
  return opts.refState ? opts.refState(ref) : 'unknown'
}

function asSecretRef(v: unknown): SecretRef | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const r = v as Record<string, unknown>
  return typeof r.source === 'string' && typeof r.id === 'string' ? (v as SecretRef) : undefined
}

/** Ref coordinates name where a secret lives (env var, file key), never the secret itself. */
function describeRef(ref: SecretRef): string {
  const provider = typeof ref.provider === 'string' ? ref.provider : '?'
  return `${ref.source}:${provider}:${JSON.stringify(ref.id).slice(1, -1)}`
}

function invalidExpiresDetail(what: string, v: unknown): string {
  // Show numbers only: a string in `expires` could be a misplaced token.
  const got = typeof v === 'number' ? String(v) : `a ${v === null ? 'null' : typeof v}`
  return `${what} expires value is not a valid Unix-ms timestamp (a finite number > 0 and <= 8.64e15); got ${got}.`
}

function nonBlank(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== ''
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function yes(detail: string): EligibilityResult {
  return { eligible: true, reason: 'ok', detail }
}

function no(reason: EligibilityReason, detail: string): EligibilityResult {
  return { eligible: false, reason, detail }
}
