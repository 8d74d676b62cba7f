/**
 * The shapes of the `models status` report (human table and `--json`).
 */

import type { ClaudeAccount, ClaudeCliLogin } from '../claude-cli/credentials.ts'
import type { ClaudeCliLoginReport } from '../claude-cli/login-health.ts'
import type { EligibilityReason, HealthStatus } from './types.ts'

/** What the pure report needs from outside the AuthView (read by the caller). */
export interface StatusInputs {
  claudeCli?: { login: ClaudeCliLogin; linked: ClaudeAccount | undefined }
}

export interface ProviderStatus {
  provider: string
  inUse: boolean
  effective: { kind: 'profile' | 'env' | 'models.json' | 'claude-cli' | 'none'; detail: string }
  /**
   * Models for which another credential serves, because the effective one (or one before it)
   * is cooling down for that model only. Absent when no model-scoped window is active.
   */
  effectiveByModel?: Record<
    string,
    { kind: 'profile' | 'env' | 'models.json' | 'claude-cli' | 'none'; detail: string }
  >
  profiles: { count: number; oauth: number; token: number; apiKey: number; labels: string[] }
  order: {
    source: string
    explicit: boolean
    ids: string[]
    excluded: Array<{ profileId: string; reason: string; detail: string }>
  }
  env?: {
    /** The env key that would serve first (else the first one), masked. */
    value: string
    source: string
    count: number
    /** Every env key: its name (`env:ANTHROPIC_API_KEYS[1]`), stable state id, masked value. */
    keys: Array<{ key: string; keyId: string; value: string; available: boolean }>
  }
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

/** One active cooldown (per model, `*` = whole credential) or disable, with how to end it. */
export interface UnavailableWindow {
  kind: 'cooldown' | 'disabled'
  reason: string
  model: string
  until: number
  remainingMs: number
  recovery: string
}

export interface UnusableProfile extends UnavailableWindow {
  profileId: string
  provider: string
}

/** A cooling or disabled env / config key (state row keyed by `keyId`, see key-state-id.ts). */
export interface UnusableKey extends UnavailableWindow {
  /** `env:ANTHROPIC_API_KEYS[1]` or `models.providers.<p>.apiKey`: what clear-cooldown takes. */
  key: string
  keyId: string
  provider: string
}

export interface CheckProblem {
  level: 'error' | 'warning'
  /** Stable code where a problem has no profile or provider of its own (`NO_CREDENTIALS`). */
  code?: string
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
    /** Env and config keys cooling down or disabled (the gateway skips them). */
    unusableKeys: UnusableKey[]
    oauth: {
      warnAfterMs: number
      profiles: CredentialHealthRow[]
      providers: Array<{ provider: string; status: HealthStatus; expiresAt?: number }>
    }
    /** Present when a model is routed to claude-cli and the host's Claude Code login was read. */
    claudeCli?: ClaudeCliLoginReport
  }
  check: { exitCode: 0 | 1 | 2; problems: CheckProblem[] }
}
