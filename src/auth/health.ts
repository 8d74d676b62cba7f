/**
 * Expiry health of stored profiles for `models status` and `--check` (auth-spec 3.1,
 * lessons 2.10). Honest by design: an expired OAuth access token is `expired` even when it
 * can be refreshed (OpenClaw #42721/#66952 showed "ok, expires in 0m"); `refreshable` says
 * whether the runtime can recover on its own.
 */
import { isValidExpires } from './eligibility.ts'
import type { CredentialType, HealthStatus, StoredProfile } from './types.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export const DEFAULT_WARN_MS = 24 * HOUR

export interface ProfileHealth {
  profileId: string
  provider: string
  type: CredentialType
  status: HealthStatus
  expiresAt?: number
  remainingMs?: number
  refreshable: boolean
}

export function profileHealth(profile: StoredProfile, now: number, warnMs = DEFAULT_WARN_MS): ProfileHealth {
  const c = profile.credential
  const base = { profileId: profile.id, provider: c.provider, type: c.type }
  if (c.type === 'api_key') return { ...base, status: 'static', refreshable: false }

  if (c.type === 'token') {
    if (!nonBlank(c.token) && c.tokenRef === undefined)
      return { ...base, status: 'missing', refreshable: false }
    if (c.expires === undefined) return { ...base, status: 'static', refreshable: false }
    if (!isValidExpires(c.expires)) return { ...base, status: 'missing', refreshable: false }
    return timed(base, c.expires, now, warnMs, false)
  }

  const refreshable = nonBlank(c.refresh)
  if (!nonBlank(c.access) && !refreshable) return { ...base, status: 'missing', refreshable }
  if (c.expires === undefined || !isValidExpires(c.expires))
    return { ...base, status: 'missing', refreshable }
  return timed(base, c.expires, now, warnMs, refreshable)
}

function timed(
  base: Pick<ProfileHealth, 'profileId' | 'provider' | 'type'>,
  expiresAt: number,
  now: number,
  warnMs: number,
  refreshable: boolean,
): ProfileHealth {
  const remainingMs = expiresAt - now
  const status: HealthStatus = remainingMs <= 0 ? 'expired' : remainingMs <= warnMs ? 'expiring' : 'ok'
  return { ...base, status, expiresAt, remainingMs, refreshable }
}

export interface ProviderHealth {
  status: HealthStatus
  /** Soonest expiry among the provider's expirable profiles. */
  expiresAt?: number
  remainingMs?: number
}

/** Worst status wins; `static` only when nothing expirable exists. */
export function providerHealthRollup(
  // Only these fields matter, so callers may pass richer rows of their own.
  list: readonly Pick<ProfileHealth, 'status' | 'expiresAt' | 'remainingMs'>[],
): ProviderHealth {
  if (list.length === 0) return { status: 'missing' }
  const expirable = list.filter((h) => h.status !== 'static')
  if (expirable.length === 0) return { status: 'static' }
  const status: HealthStatus = expirable.some((h) => h.status === 'expired' || h.status === 'missing')
    ? 'expired'
    : expirable.some((h) => h.status === 'expiring')
      ? 'expiring'
      : 'ok'
  const out: ProviderHealth = { status }
  for (const h of expirable) {
    if (h.expiresAt !== undefined && (out.expiresAt === undefined || h.expiresAt < out.expiresAt)) {
      out.expiresAt = h.expiresAt
      if (h.remainingMs !== undefined) out.remainingMs = h.remainingMs
    }
  }
  return out
}

/** `45m`, `23h`, `3d`; floors, and anything elapsed (or not a number) is `0m`. */
export function formatRemaining(ms: number): string {
  if (!(ms > 0)) return '0m'
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`
  if (ms < 48 * HOUR) return `${Math.floor(ms / HOUR)}h`
  return `${Math.floor(ms / DAY)}d`
}

function nonBlank(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== ''
}
