/**
 * Row <-> object mapping. Reads are lenient (a damaged JSON cell reads as absent, so one bad row
 * degrades to "missing credential" instead of taking the whole store down); writes are strict.
 */
import type {
  CooldownEntry,
  Credential,
  DisabledReason,
  FailureClass,
  ProfileState,
  SecretRef,
  StoredProfile,
} from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import { compareStrings } from '../util/compare.ts'

export interface ProfileRow {
  profile_id: string
  provider: string
  type: string
  secret_json: string
  expires: number | null
  email: string | null
  display_name: string | null
  account_id: string | null
  metadata_json: string | null
  created_at: number
  updated_at: number
  generation: number
}

/** The credential-derived columns of a profile row. */
export type CredentialColumns = Omit<ProfileRow, 'profile_id' | 'created_at' | 'updated_at' | 'generation'>

export interface StateRow {
  profile_id: string
  last_used: number | null
  last_good_at: number | null
  last_failure_at: number | null
  failure_counts_json: string
  disabled_until: number | null
  disabled_reason: string | null
  disabled_count: number | null
  disabled_last_failure_at: number | null
}

export interface CooldownRow {
  profile_id: string
  model: string
  until: number
  reason: string
  error_count: number
  last_failure_at: number
}

const FAILURE_CLASSES: ReadonlySet<string> = new Set<FailureClass>([
  'rate_limit',
  'billing',
  'auth',
  'auth_permanent',
  'overloaded',
  'timeout',
  'server_error',
  'model_not_found',
  'format',
  'unknown',
])
const DISABLED_REASONS: ReadonlySet<string> = new Set<DisabledReason>(['billing', 'auth_permanent'])
const CREDENTIAL_TYPES: ReadonlySet<string> = new Set(['api_key', 'token', 'oauth'])

export function encodeCredential(profileId: string, c: Credential): CredentialColumns {
  if (!CREDENTIAL_TYPES.has(c.type)) {
    throw new OpenclawError('invalid_credential', `Profile ${profileId}: unknown credential type.`, {
      details: { profileId },
    })
  }
  const expires = c.type === 'api_key' ? undefined : c.expires
  if (expires !== undefined && !Number.isSafeInteger(expires)) {
    throw new OpenclawError(
      'invalid_credential',
      `Profile ${profileId}: expires must be an integer epoch-milliseconds value.`,
      { details: { profileId } },
    )
  }
  return {
    provider: c.provider,
    type: c.type,
    secret_json: encodeSecrets(c),
    expires: expires ?? null,
    email: c.email ?? null,
    display_name: c.displayName ?? null,
    account_id: c.type === 'oauth' ? (c.accountId ?? null) : null,
    metadata_json: c.metadata === undefined ? null : JSON.stringify(c.metadata),
  }
}

/** Fixed key order, so equal secrets encode to equal strings (upsert compares them). */
export function encodeSecrets(c: Credential): string {
  switch (c.type) {
    case 'api_key':
      return JSON.stringify({ key: c.key, keyRef: normalizeRef(c.keyRef) })
    case 'token':
      return JSON.stringify({ token: c.token, tokenRef: normalizeRef(c.tokenRef) })
    case 'oauth':
      return JSON.stringify({ access: c.access, refresh: c.refresh, clientId: c.clientId })
  }
}

function normalizeRef(r: SecretRef | undefined): SecretRef | undefined {
  return r === undefined ? undefined : { source: r.source, provider: r.provider, id: r.id }
}

export function decodeProfile(row: ProfileRow): StoredProfile {
  return {
    id: row.profile_id,
    credential: decodeCredential(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    generation: row.generation,
  }
}

function decodeCredential(row: ProfileRow): Credential {
  const s = parseObject(row.secret_json) ?? {}
  const base = {
    provider: row.provider,
    ...(row.email === null ? {} : { email: row.email }),
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    ...optional('metadata', decodeMetadata(row.metadata_json)),
  }
  const expires = row.expires === null ? {} : { expires: row.expires }
  if (row.type === 'oauth') {
    return {
      type: 'oauth',
      ...base,
      ...optional('access', str(s.access)),
      ...optional('refresh', str(s.refresh)),
      ...expires,
      ...(row.account_id === null ? {} : { accountId: row.account_id }),
      ...optional('clientId', str(s.clientId)),
    }
  }
  if (row.type === 'token') {
    return {
      type: 'token',
      ...base,
      ...optional('token', str(s.token)),
      ...optional('tokenRef', secretRef(s.tokenRef)),
      ...expires,
    }
  }
  return {
    type: 'api_key',
    ...base,
    ...optional('key', str(s.key)),
    ...optional('keyRef', secretRef(s.keyRef)),
  }
}

export function decodeState(
  row: StateRow | undefined,
  cooldowns: CooldownRow[],
  profileId: string,
): ProfileState {
  const state: ProfileState = {
    profileId,
    failureCounts: row === undefined ? {} : decodeFailureCounts(row.failure_counts_json),
    cooldowns: cooldowns.map(decodeCooldown).sort((a, b) => compareStrings(a.model, b.model)),
  }
  if (row === undefined) return state
  if (row.last_used !== null) state.lastUsed = row.last_used
  if (row.last_good_at !== null) state.lastGoodAt = row.last_good_at
  if (row.last_failure_at !== null) state.lastFailureAt = row.last_failure_at
  if (
    row.disabled_until !== null &&
    row.disabled_reason !== null &&
    DISABLED_REASONS.has(row.disabled_reason)
  ) {
    state.disabled = {
      until: row.disabled_until,
      reason: row.disabled_reason as DisabledReason,
      count: row.disabled_count ?? 1,
      lastFailureAt: row.disabled_last_failure_at ?? row.disabled_until,
    }
  }
  return state
}

export function encodeState(profileId: string, s: ProfileState): StateRow {
  return {
    profile_id: profileId,
    last_used: s.lastUsed ?? null,
    last_good_at: s.lastGoodAt ?? null,
    last_failure_at: s.lastFailureAt ?? null,
    failure_counts_json: JSON.stringify(s.failureCounts ?? {}),
    disabled_until: s.disabled?.until ?? null,
    disabled_reason: s.disabled?.reason ?? null,
    disabled_count: s.disabled?.count ?? null,
    disabled_last_failure_at: s.disabled?.lastFailureAt ?? null,
  }
}

export function encodeCooldown(profileId: string, c: CooldownEntry): CooldownRow {
  return {
    profile_id: profileId,
    model: c.model,
    until: c.until,
    reason: c.reason,
    error_count: c.errorCount,
    last_failure_at: c.lastFailureAt,
  }
}

function decodeCooldown(row: CooldownRow): CooldownEntry {
  return {
    profileId: row.profile_id,
    model: row.model,
    until: row.until,
    reason: FAILURE_CLASSES.has(row.reason) ? (row.reason as FailureClass) : 'unknown',
    errorCount: row.error_count,
    lastFailureAt: row.last_failure_at,
  }
}

function decodeFailureCounts(json: string): Partial<Record<FailureClass, number>> {
  const out: Partial<Record<FailureClass, number>> = {}
  for (const [k, v] of Object.entries(parseObject(json) ?? {})) {
    if (FAILURE_CLASSES.has(k) && typeof v === 'number' && Number.isFinite(v)) out[k as FailureClass] = v
  }
  return out
}

function decodeMetadata(json: string | null): Record<string, string> | undefined {
  if (json === null) return undefined
  const obj = parseObject(json)
  if (obj === undefined) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v
  return out
}

function secretRef(v: unknown): SecretRef | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const r = v as Record<string, unknown>
  if (r.source !== 'env' && r.source !== 'file' && r.source !== 'exec') return undefined
  if (typeof r.provider !== 'string' || typeof r.id !== 'string') return undefined
  return { source: r.source, provider: r.provider, id: r.id }
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(json)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** `{ [key]: value }` when defined, `{}` otherwise: exactOptional-friendly spreading. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
