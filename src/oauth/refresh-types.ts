/**
 * Shapes shared by the refresh modules: what a caller passes, what it gets back, and what the
 * refresh code needs injected (clocks, HTTP, stores, the lease database, test kill points).
 */
import type { Clock, OAuthCredential } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import type { OpenclawError } from '../errors.ts'
import type { CredentialStore } from '../store/credential-store.ts'
import type { RefreshLeaseDb } from '../store/refresh-lease-repo.ts'
import type { RefreshTiming } from './refresh-policy.ts'
import type { FetchLike } from './token-endpoint.ts'

export interface RefreshRequest {
  /** The store that OWNS the profile (for an inherited profile: the default agent's store). */
  store: CredentialStore
  profileId: string
  /** The agent the request is for; only used in messages and logs. */
  agentId?: string
  /**
   * Set by the 401 path: the access token the provider just rejected. A refresh is forced only
   * while that token is still the stored one.
   */
  rejectedAccess?: string
}

export interface RefreshSuccess {
  access: string
  expires?: number
  /** True when this call obtained new tokens from the provider. */
  refreshed: boolean
  /** `<storePath>#<profileId>` when the token came from a peer's refresh of the same account. */
  adoptedFrom?: string
  /** Set when the provider answered but the new tokens could not be saved (disk full...). */
  notPersisted?: boolean
  /**
   * With `notPersisted` from the refresh itself: the pair the store should hold, and the
   * generation it must be written over. In memory only (it holds the tokens); the refresher
   * keeps it and retries the save.
   */
  unsaved?: { storePath: string; profileId: string; baseGeneration: number; credential: OAuthCredential }
}

export type RefreshOutcome = RefreshSuccess | { error: OpenclawError }

export interface RefreshEvent {
  level: 'debug' | 'info' | 'warn' | 'error'
  event:
    | 'usable'
    | 'waiting'
    | 'adopted'
    | 'followed-settlement'
    | 'refresh-start'
    | 'refreshed'
    | 'refresh-failed'
    | 'not-persisted'
    | 'persisted-late'
    | 'settlement-failed'
    | 'lease-release-failed'
    | 'reauth-required'
  profileId: string
  provider: string
  message: string
  [key: string]: unknown
}

/** Kill points for crash tests (security 2.0 "kill points"); production leaves them unset. */
export interface RefreshHooks {
  leaseAcquired?: (info: { profileId: string; leaseKey: string }) => void | Promise<void>
  beforeTokenCall?: (info: { profileId: string }) => void | Promise<void>
  afterTokenResponse?: (info: { profileId: string; ok: boolean }) => void | Promise<void>
  afterCommit?: (info: { profileId: string; generation: number }) => void | Promise<void>
}

export interface RefreshDeps {
  config: OpenclawConfig
  /** Opens (or returns) the shared lease database; throws when it cannot be opened. */
  leases: () => RefreshLeaseDb
  /** Decides token expiry (may be skewed in tests). */
  clock: Clock
  /** Lease, back-off and wait timing: the host's wall clock, shared by every process. */
  leaseClock: Clock
  timing: RefreshTiming
  fetch?: FetchLike
  /** Opens another agent's store named by a settlement (read-write: it may need a refresh). */
  openStore: (path: string) => CredentialStore
  sleep: (ms: number) => Promise<void>
  log: (e: RefreshEvent) => void
  hooks?: RefreshHooks
}
