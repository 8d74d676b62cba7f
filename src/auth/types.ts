/**
 * The data model every layer shares: credentials, stored profiles, routing/health state.
 * Pure types only; no I/O and nothing runs on import.
 */

export type CredentialType = 'api_key' | 'token' | 'oauth'

/** Config-side mode of `auth.profiles.<id>`; `aws-sdk` is routing metadata with no stored credential. */
export type ProfileMode = CredentialType | 'aws-sdk'

export type SecretRefSource = 'env' | 'file' | 'exec'

export interface SecretRef {
  source: SecretRefSource
  /** Alias of a `secrets.providers.<alias>` entry (or a source default). */
  provider: string
  id: string
}

interface CredentialBase {
  provider: string
  email?: string
  displayName?: string
  /** Provider-specific non-secret data (account id, gateway id...). */
  metadata?: Record<string, string>
}

export interface ApiKeyCredential extends CredentialBase {
  type: 'api_key'
  key?: string
  keyRef?: SecretRef
}

export interface TokenCredential extends CredentialBase {
  type: 'token'
  token?: string
  tokenRef?: SecretRef
  /** Unix epoch milliseconds; optional. Validated by eligibility, not trusted. */
  expires?: number
}

export interface OAuthCredential extends CredentialBase {
  type: 'oauth'
  access?: string
  refresh?: string
  /** Unix epoch milliseconds of the access token's expiry. */
  expires?: number
  accountId?: string
  clientId?: string
}

export type Credential = ApiKeyCredential | TokenCredential | OAuthCredential

export interface StoredProfile {
  /** `<provider>:<name>`, validated by `parseProfileId`. */
  id: string
  credential: Credential
  createdAt: number
  updatedAt: number
  /** Bumped on every credential write; the compare-and-set handle for OAuth refresh. */
  generation: number
}

/**
 * Failure classes (DECISIONS section 5). `format` never rotates or cools anything.
 */
export type FailureClass =
  | 'rate_limit'
  | 'billing'
  | 'auth'
  | 'auth_permanent'
  | 'overloaded'
  | 'timeout'
  | 'server_error'
  | 'model_not_found'
  | 'format'
  | 'unknown'

/** `*` scopes a cooldown to the whole profile; any other value is a model id. */
export const WHOLE_PROFILE = '*'

export interface CooldownEntry {
  profileId: string
  model: string
  until: number
  reason: FailureClass
  /** Failures counted for this (profile, model) inside the failure window. */
  errorCount: number
  lastFailureAt: number
}

export type DisabledReason = 'billing' | 'auth_permanent'

export interface DisabledState {
  until: number
  reason: DisabledReason
  /** Failures of this reason inside the failure window (drives the doubling). */
  count: number
  lastFailureAt: number
}

/** Routing/health state of one profile; lives apart from the secret row. */
export interface ProfileState {
  profileId: string
  lastUsed?: number
  lastGoodAt?: number
  lastFailureAt?: number
  failureCounts: Partial<Record<FailureClass, number>>
  disabled?: DisabledState
  cooldowns: CooldownEntry[]
  /** Last OAuth refresh failure of this profile (src/oauth); absent when none is recorded. */
  oauthRefresh?: OAuthRefreshMarker
}

/**
 * Outcome of a failed OAuth refresh, persisted beside (never inside) the credential. It applies
 * only while the stored credential still has `generation`: a new login makes it moot.
 */
export interface OAuthRefreshMarker {
  generation: number
  /** `reauth_required`: the provider refused the refresh token for good; `backoff`: transient. */
  status: 'reauth_required' | 'backoff'
  /** e.g. invalid_grant, refresh_token_reused, network, server_error, timeout, malformed. */
  reason: string
  /** Human text; names the profile and provider, never token material. */
  message: string
  failures: number
  failedAt: number
  retryAt?: number
}

export function emptyProfileState(profileId: string): ProfileState {
  return { profileId, failureCounts: {}, cooldowns: [] }
}

/** Stable eligibility reason codes (auth-spec 4.2). */
export type EligibilityReason =
  | 'ok'
  | 'missing_credential'
  | 'invalid_expires'
  | 'expired'
  | 'unresolved_ref'
  | 'ineligible_profile'

export type HealthStatus = 'ok' | 'expiring' | 'expired' | 'missing' | 'static'

/** Milliseconds-since-epoch clock; injected everywhere time matters. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()
