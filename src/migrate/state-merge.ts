/**
 * Folds a legacy usage record into our per-profile state. Only still-active windows are
 * carried over, clamped to the ladder's maximum from `now` (clamp-window.ts); an active window
 * is never shortened, and a clamped legacy window never replaces an active one (a rerun after
 * a crash would otherwise extend it by the time in between); counters take the larger value,
 * so applying the same record twice changes nothing. Pure.
 */
import type { DisabledReason, FailureClass, ProfileState } from '../auth/types.ts'
import { WHOLE_PROFILE } from '../auth/types.ts'
import { compareStrings } from '../util/compare.ts'
import { type ClampNote, clampWindow } from './clamp-window.ts'
import type { LegacyUsage } from './types.ts'

const FAILURE_CLASSES: ReadonlySet<string> = new Set([
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

export function mergeLegacyUsage(
  prev: ProfileState,
  u: LegacyUsage,
  now: number,
  onClamp?: (note: ClampNote) => void,
): ProfileState {
  const next: ProfileState = {
    ...prev,
    failureCounts: { ...prev.failureCounts },
    cooldowns: prev.cooldowns.map((c) => ({ ...c })),
  }
  const lastUsed = maxDefined(prev.lastUsed, u.lastUsed)
  if (lastUsed !== undefined) next.lastUsed = lastUsed
  const lastFailureAt = maxDefined(prev.lastFailureAt, u.lastFailureAt)
  if (lastFailureAt !== undefined) next.lastFailureAt = lastFailureAt
  for (const [k, v] of Object.entries(u.failureCounts ?? {})) {
    if (!FAILURE_CLASSES.has(k)) continue
    const key = k as FailureClass
    next.failureCounts[key] = Math.max(next.failureCounts[key] ?? 0, v)
  }
  if (u.cooldownUntil !== undefined && u.cooldownUntil > now) {
    const model = u.cooldownModel && u.cooldownModel.trim() !== '' ? u.cooldownModel : WHOLE_PROFILE
    const reason = asFailureClass(u.cooldownReason) ?? 'rate_limit'
    const i = next.cooldowns.findIndex((c) => c.model === model)
    const cur = i >= 0 ? next.cooldowns[i] : undefined
    const w = clampWindow('cooldown', reason, u.cooldownUntil, now)
    const wins = w.clamped ? !cur || cur.until <= now : !cur || cur.until < w.until
    if (wins) {
      if (w.clamped)
        onClamp?.({
          id: prev.profileId,
          kind: 'cooldown',
          reason,
          model,
          requestedUntil: u.cooldownUntil,
          until: w.until,
          requestedMs: u.cooldownUntil - now,
          allowedMs: w.until - now,
        })
      const entry = {
        profileId: prev.profileId,
        model,
        until: w.until,
        reason,
        errorCount: Math.max(cur?.errorCount ?? 0, u.errorCount ?? 1, 1),
        lastFailureAt: u.lastFailureAt ?? cur?.lastFailureAt ?? now,
      }
      if (i >= 0) next.cooldowns[i] = entry
      else next.cooldowns.push(entry)
    }
  }
  const disabledReason = asDisabledReason(u.disabledReason)
  if (u.disabledUntil !== undefined && u.disabledUntil > now && disabledReason) {
    const w = clampWindow('disabled', disabledReason, u.disabledUntil, now)
    const cur = prev.disabled
    const wins = w.clamped ? !cur || cur.until <= now : !cur || cur.until < w.until
    if (wins) {
      if (w.clamped)
        onClamp?.({
          id: prev.profileId,
          kind: 'disabled',
          reason: disabledReason,
          model: WHOLE_PROFILE,
          requestedUntil: u.disabledUntil,
          until: w.until,
          requestedMs: u.disabledUntil - now,
          allowedMs: w.until - now,
        })
      next.disabled = {
        until: w.until,
        reason: disabledReason,
        count: Math.max(prev.disabled?.count ?? 0, 1),
        lastFailureAt: u.lastFailureAt ?? now,
      }
    }
  }
  return next
}

/** Stable text form for "did anything change" checks. */
export function stateFingerprint(s: ProfileState): string {
  const cooldowns = [...s.cooldowns].sort((a, b) => compareStrings(a.model, b.model))
  const counts = Object.fromEntries(Object.entries(s.failureCounts).sort(([a], [b]) => compareStrings(a, b)))
  return JSON.stringify([
    s.lastUsed ?? null,
    s.lastGoodAt ?? null,
    s.lastFailureAt ?? null,
    counts,
    s.disabled ?? null,
    cooldowns.map((c) => [c.model, c.until, c.reason, c.errorCount, c.lastFailureAt]),
  ])
}

function asFailureClass(v: string | undefined): FailureClass | undefined {
  return v !== undefined && FAILURE_CLASSES.has(v) ? (v as FailureClass) : undefined
}

function asDisabledReason(v: string | undefined): DisabledReason | undefined {
  if (v === 'billing' || v === 'auth_permanent') return v
  // Older builds disabled permanently failing keys under plain "auth".
  if (v === 'auth') return 'auth_permanent'
  return undefined
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.max(a, b)
}
