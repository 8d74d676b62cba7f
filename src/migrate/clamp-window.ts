/**
 * Legacy cooldown / disable windows are clamped to what our ladder could ever produce, counted
 * from the import: a legacy file said "rate limited until 2099" and status then showed
 * "26693d left" for a key that was fine. Pure.
 */
import {
  AUTH_PERMANENT_DISABLE_MAX_MS,
  BILLING_DISABLE_MAX_MS,
  COOLDOWN_LADDER_MS,
} from '../auth/cooldown.ts'
import type { FailureClass } from '../auth/types.ts'

export type WindowKind = 'cooldown' | 'disabled'

/** What one clamp changed, for the migration report (ids and times only). */
export interface ClampNote {
  id: string
  kind: WindowKind
  reason: FailureClass
  model: string
  /** The legacy file's end of the window. */
  requestedUntil: number
  until: number
  /** Both as time left at the import, for the report. */
  requestedMs: number
  allowedMs: number
}

/** The longest window the ladder gives this kind and reason. */
export function maxWindowMs(kind: WindowKind, reason: FailureClass): number {
  if (kind === 'disabled')
    return reason === 'billing' ? BILLING_DISABLE_MAX_MS : AUTH_PERMANENT_DISABLE_MAX_MS
  return COOLDOWN_LADDER_MS[COOLDOWN_LADDER_MS.length - 1]!
}

/** `until` limited to `now + max`; `clamped` says whether it was cut. */
export function clampWindow(
  kind: WindowKind,
  reason: FailureClass,
  until: number,
  now: number,
): { until: number; clamped: boolean } {
  const limit = now + maxWindowMs(kind, reason)
  return until > limit ? { until: limit, clamped: true } : { until, clamped: false }
}
