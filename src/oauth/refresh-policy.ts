/**
 * Numbers and predicates of the refresh design (docs/oauth.md). The provider call deadline
 * must stay below the lease's stale time: otherwise a slow owner could still be talking to the
 * provider when a waiter takes the lease over and spends the same refresh token again.
 */
import { isValidExpires } from '../auth/eligibility.ts'
import type { OAuthCredential } from '../auth/types.ts'

export interface RefreshTiming {
  /** Refresh proactively when less than this is left (lessons 2.9: 5 min). */
  marginMs: number
  /** A lease older than this is stale and may be taken over (OpenClaw: 180 s). */
  leaseTtlMs: number
  /** Hard deadline of one token endpoint call (OpenClaw: 120 s); must be < leaseTtlMs. */
  requestTimeoutMs: number
  /** How long a waiter waits for a peer's refresh before giving up (transient error). */
  waitTimeoutMs: number
  /** Waiters re-read the store this often (OpenClaw gen 3: 25 ms). */
  pollMs: number
  backoffBaseMs: number
  backoffMaxMs: number
  /** A 401 on a token issued less than this ago does not trigger another refresh. */
  recentRefreshMs: number
}

export const DEFAULT_TIMING: RefreshTiming = {
  marginMs: 5 * 60_000,
  leaseTtlMs: 180_000,
  requestTimeoutMs: 120_000,
  waitTimeoutMs: 150_000,
  pollMs: 50,
  backoffBaseMs: 30_000,
  backoffMaxMs: 15 * 60_000,
  recentRefreshMs: 60_000,
}

export function resolveTiming(overrides: Partial<RefreshTiming> = {}): RefreshTiming {
  const t = { ...DEFAULT_TIMING, ...overrides }
  if (!(t.requestTimeoutMs < t.leaseTtlMs)) {
    throw new Error(
      `OAuth refresh timing: requestTimeoutMs (${t.requestTimeoutMs}) must be shorter than leaseTtlMs (${t.leaseTtlMs})`,
    )
  }
  return t
}

/** Stored `expires` values below this are seconds, not milliseconds (a unit mistake, C-09). */
const SECONDS_CEILING = 1e11

export function looksLikeSeconds(expires: number): boolean {
  return expires > 0 && expires < SECONDS_CEILING
}

/** The access token can be sent without refreshing first: present, and valid for > margin. */
export function isUsable(cred: OAuthCredential, now: number, marginMs: number): boolean {
  if (!nonBlank(cred.access)) return false
  if (cred.expires === undefined) return true
  if (!isValidExpires(cred.expires) || looksLikeSeconds(cred.expires)) return false
  return cred.expires - now > marginMs
}

/** Still valid at all (used when a refresh failed transiently: keep serving the old token). */
export function stillValid(cred: OAuthCredential, now: number): boolean {
  return isUsable(cred, now, 0)
}

export function backoffMs(failures: number, t: RefreshTiming): number {
  const n = Math.max(1, Math.min(failures, 20))
  return Math.min(t.backoffMaxMs, t.backoffBaseMs * 2 ** (n - 1))
}

function nonBlank(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim() !== ''
}
