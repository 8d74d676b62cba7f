/**
 * Shapes of `models status --probe` (auth-spec 3.1 and 4): options, one result per target, and
 * the report that goes to `auth.probes` in `--json`. Pure types only.
 */
import type { Candidate } from '../auth/resolve.ts'

/** Status buckets (auth-spec 4.1). */
export type ProbeStatus =
  | 'ok'
  | 'auth'
  | 'rate_limit'
  | 'billing'
  | 'timeout'
  | 'format'
  | 'unknown'
  | 'no_model'

/** Stable codes for results that never reached a model call (auth-spec 4.2). */
export type ProbeReasonCode =
  | 'excluded_by_auth_order'
  | 'missing_credential'
  | 'expired'
  | 'invalid_expires'
  | 'unresolved_ref'
  | 'ineligible_profile'
  | 'no_model'

export type ProbeSource = 'profile' | 'env' | 'models.json' | 'claude-cli'

export interface ProbeOptions {
  /** Normalised provider id from --probe-provider. */
  provider?: string
  /** Ids from every --probe-profile (comma-separated and repeatable), de-duplicated. */
  profileIds: string[]
  timeoutMs: number
  concurrency: number
  maxTokens: number
}

export const PROBE_DEFAULTS = { timeoutMs: 8000, concurrency: 2, maxTokens: 8 } as const

export interface ProbeResult {
  provider: string
  /** `provider/model`, or null when no model could be chosen. */
  model: string | null
  profileId: string | null
  label: string
  source: ProbeSource
  /** Credential type (`api_key`, `token`, `oauth`). */
  mode: string
  status: ProbeStatus
  reasonCode?: ProbeReasonCode
  /** Redacted; first line is the headline, later lines are `↳ ...` details. */
  error?: string
  /** Null for results emitted without a request. */
  latencyMs: number | null
}

export interface ProbeReport {
  startedAt: number
  finishedAt: number
  durationMs: number
  totalTargets: number
  options: ProbeOptions
  results: ProbeResult[]
}

interface TargetBase {
  provider: string
  model: string | null
  profileId: string | null
  label: string
  source: ProbeSource
  mode: string
  /** The model is routed to the claude-cli runtime: the probe runs `claude -p`, as the gateway does. */
  via?: 'claude-cli'
}

/** A target is either already decided (no request needed) or runnable with one candidate. */
export type ProbeTarget =
  | (TargetBase & { kind: 'done'; result: ProbeResult })
  | (TargetBase & { kind: 'refresh'; profileId: string })
  | (TargetBase & { kind: 'run'; model: string; candidate: Candidate })
  /** No OpenClaw credential: `claude -p` on the host's own Claude Code login. */
  | (TargetBase & { kind: 'cli'; model: string })
