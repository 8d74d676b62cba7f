/**
 * Shared shapes of the legacy-auth migrations: what a legacy document parses into, what was
 * rejected and why, and the per-source report doctor prints. Pure types.
 */
import type { Credential } from '../auth/types.ts'
import type { ClampNote } from './clamp-window.ts'

/** Why one legacy entry was not imported; ids and reasons only, never values. */
export type RejectReason =
  | 'non_object'
  | 'invalid_type'
  | 'missing_provider'
  | 'invalid_provider'
  | 'invalid_id'
  | 'duplicate_id'
  | 'invalid_expires'
  | 'invalid_ref'
  | 'invalid_value'
  | 'missing_credential'

export interface Rejected {
  id: string
  reason: RejectReason
  /** Printable (escaped) explanation, e.g. which entry a duplicate collides with. */
  detail?: string
}

export interface LegacyCredential {
  /** The id as written in the file (before the openai-codex rename). */
  id: string
  credential: Credential
}

export interface LegacyUsage {
  lastUsed?: number
  cooldownUntil?: number
  cooldownReason?: string
  cooldownModel?: string
  disabledUntil?: number
  disabledReason?: string
  errorCount?: number
  failureCounts?: Record<string, number>
  lastFailureAt?: number
}

export interface LegacyState {
  order: Record<string, string[]>
  lastGood: Record<string, string>
  usageStats: Record<string, LegacyUsage>
}

export type LegacyShape = 'profiles' | 'flat' | 'state'

export interface ParsedLegacy {
  shape: LegacyShape
  credentials: LegacyCredential[]
  /** `type: "aws-sdk"` markers: routing metadata for config, not credentials. */
  awsSdk: Array<{ id: string; provider: string }>
  state: LegacyState
  rejected: Rejected[]
}

/** Whole-file failures: nothing is imported and the file is left exactly where it is. */
export type FileFailure = 'unreadable' | 'too_large' | 'invalid_json' | 'not_object' | 'unknown_shape'

export type ParseOutcome =
  | { ok: true; parsed: ParsedLegacy }
  | { ok: false; failure: FileFailure; detail: string }

export type MigrationStatus = 'imported' | 'unchanged' | 'conflict' | 'failed' | 'skipped'

export interface MigrationReport {
  /** e.g. `auth-profiles.json`, `openclaw-store`, `codex-ids`, `stale-order`. */
  migration: string
  agentId?: string
  source?: string
  status: MigrationStatus
  imported: string[]
  identical: string[]
  /** Stored usable credential differs: left alone, source kept for manual reconciliation. */
  conflicts: Array<{ id: string; reason: string }>
  rejected: Rejected[]
  renamed: Array<{ from: string; to: string }>
  orderSet: string[]
  stateUpdated: string[]
  /** Imported cooldown / disable windows cut to the ladder maximum (clamp-window.ts). */
  clamped: ClampNote[]
  configChanges: string[]
  archivedTo?: string
  error?: string
}

export function emptyReport(migration: string, extra: Partial<MigrationReport> = {}): MigrationReport {
  return {
    migration,
    status: 'unchanged',
    imported: [],
    identical: [],
    conflicts: [],
    rejected: [],
    renamed: [],
    orderSet: [],
    stateUpdated: [],
    clamped: [],
    configChanges: [],
    ...extra,
  }
}

export type MigrationMarker = 'after-move-aside' | 'after-import' | 'after-verify' | 'before-archive'

/** Test seam for crash-safety tests: called at each durable step, may block. */
export interface MigrationHooks {
  marker?: (name: MigrationMarker, source: string) => void | Promise<void>
}
