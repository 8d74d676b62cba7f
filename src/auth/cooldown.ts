/**
 * Cooldown and disable bookkeeping for one profile (DECISIONS 4, lessons 2.5/2.6). Pure:
 * every function takes `now` and returns a new state; the input is never mutated.
 *
 * Two lanes:
 * - cooldown rows keyed by (profile, model | '*'): short stepped windows for transient failures.
 *   A row is only ever touched by failures of its own key, so one model's failures never
 *   widen to the whole profile (OpenClaw #141257);
 * - the disabled lane (billing, auth_permanent): longer doubling windows, always profile-wide.
 */
import type { CooldownEntry, DisabledReason, FailureClass, ProfileState } from './types.ts'
import { WHOLE_PROFILE } from './types.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** 1st, 2nd, 3rd+ failure inside the window; the last step is the cap. */
export const COOLDOWN_LADDER_MS: readonly number[] = [30 * SECOND, 1 * MINUTE, 5 * MINUTE]
/** Counters restart when the previous failure is older than this. */
export const FAILURE_WINDOW_MS = 24 * HOUR
export const BILLING_DISABLE_BASE_MS = 10 * MINUTE
export const BILLING_DISABLE_MAX_MS = 24 * HOUR
export const AUTH_PERMANENT_DISABLE_BASE_MS = 10 * MINUTE
export const AUTH_PERMANENT_DISABLE_MAX_MS = 60 * MINUTE
/** A Retry-After larger than this is treated as a bogus header, not as a day-long ban. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR

const MODEL_SCOPED: ReadonlySet<FailureClass> = new Set<FailureClass>([
  'rate_limit',
  'timeout',
  'overloaded',
  'model_not_found',
  'server_error',
  'unknown',
])

/** True for reasons that only block the failing model (when the failure names one). */
export function isModelScoped(reason: FailureClass): boolean {
  return MODEL_SCOPED.has(reason)
}

export function isDisabledReason(reason: FailureClass): reason is DisabledReason {
  return reason === 'billing' || reason === 'auth_permanent'
}

export type FailureLane = 'none' | 'model' | 'profile' | 'disabled'

/** Where a failure lands: `format` nowhere, billing/auth_permanent in the disabled lane. */
export function failureLane(reason: FailureClass, model?: string): FailureLane {
  if (reason === 'format') return 'none'
  if (isDisabledReason(reason)) return 'disabled'
  if (isModelScoped(reason) && model !== undefined && model !== '' && model !== WHOLE_PROFILE) return 'model'
  return 'profile'
}

export interface FailureInput {
  reason: FailureClass
  model?: string
  now: number
  /** From Retry-After / reset headers: a minimum, never a maximum. */
  retryAfterMs?: number
  /**
   * When the failed request was sent. A request that was already on its way when the running
   * window began is part of the failure that opened it (a burst of concurrent 429s from one
   * key): it may lengthen the window to its Retry-After but does not climb the ladder. Without
   * this, ten requests in flight on a key turned one rate limit into the 5-minute step.
   */
  sentAt?: number
}

/**
 * Records one failure. `format` returns the input object itself (nothing to write), so
 * callers can skip persisting by identity.
 */
export function recordFailure(state: ProfileState, f: FailureInput): ProfileState {
  const lane = failureLane(f.reason, f.model)
  if (lane === 'none') return state
  const { now } = f
  const retryFloor = retryAfterFloor(f.retryAfterMs, now)

  const windowLapsed = state.lastFailureAt === undefined || now - state.lastFailureAt > FAILURE_WINDOW_MS
  const baseCounts = windowLapsed ? {} : state.failureCounts
  const failureCounts = { ...baseCounts, [f.reason]: (baseCounts[f.reason] ?? 0) + 1 }
  const next: ProfileState = { ...state, failureCounts, lastFailureAt: now, cooldowns: state.cooldowns }

  if (lane === 'disabled') {
    const reason = f.reason as DisabledReason
    const prev = state.disabled
    if (prev && prev.reason === reason && sameIncident(prev, f)) {
      next.disabled = { ...prev, until: Math.max(prev.until, retryFloor) }
      return next
    }
    const count = prev && prev.reason === reason && !counterLapsed(prev, now) ? prev.count + 1 : 1
    const until = Math.max(activeUntil(prev, now), now + disableMs(reason, count), retryFloor)
    next.disabled = { until, reason, count, lastFailureAt: now }
    return next
  }

  const key = lane === 'model' ? (f.model as string) : WHOLE_PROFILE
  const prev = state.cooldowns.find((c) => c.model === key)
  if (prev && sameIncident(prev, f)) {
    const row: CooldownEntry = { ...prev, until: Math.max(prev.until, retryFloor), reason: f.reason }
    next.cooldowns = state.cooldowns.map((c) => (c === prev ? row : c))
    return next
  }
  const errorCount = prev && !counterLapsed(prev, now) ? prev.errorCount + 1 : 1
  const step = COOLDOWN_LADDER_MS[Math.min(errorCount, COOLDOWN_LADDER_MS.length) - 1] ?? 0
  const row: CooldownEntry = {
    profileId: state.profileId,
    model: key,
    until: Math.max(activeUntil(prev, now), now + step, retryFloor),
    reason: f.reason,
    errorCount,
    lastFailureAt: now,
  }
  // Rows of other models are carried over as the same objects: never widened, never touched.
  next.cooldowns = prev ? state.cooldowns.map((c) => (c === prev ? row : c)) : [...state.cooldowns, row]
  return next
}

export interface SuccessInput {
  model?: string
  now: number
}

/** Clears the profile-wide row, this model's row and the disabled lane; other models keep theirs. */
export function recordSuccess(state: ProfileState, s: SuccessInput): ProfileState {
  const next: ProfileState = {
    ...state,
    lastUsed: s.now,
    lastGoodAt: s.now,
    failureCounts: {},
    cooldowns: state.cooldowns.filter((c) => c.model !== WHOLE_PROFILE && c.model !== s.model),
  }
  delete next.disabled
  return next
}

/** Bookkeeping of a plain use; the gateway coalesces these writes off the request path. */
export function markUsed(state: ProfileState, now: number): ProfileState {
  return { ...state, lastUsed: now }
}

/**
 * Lazy expiry: drops windows that have passed and, once nothing is active, forgets the failure
 * counts (OpenClaw #3604: a stale count escalated the next blip). `lastFailureAt` is kept.
 * Returns the input object when nothing changes, so callers can skip the write.
 */
export function clearExpired(state: ProfileState, now: number): ProfileState {
  // The common case on the request path: a healthy profile, nothing to filter or allocate.
  if (state.cooldowns.length === 0 && state.disabled === undefined && isEmpty(state.failureCounts))
    return state
  const cooldowns = state.cooldowns.filter((c) => c.until > now)
  const disabledExpired = state.disabled !== undefined && state.disabled.until <= now
  const nothingActive = cooldowns.length === 0 && (state.disabled === undefined || disabledExpired)
  const resetCounts = nothingActive && Object.keys(state.failureCounts).length > 0
  if (cooldowns.length === state.cooldowns.length && !disabledExpired && !resetCounts) return state
  const next: ProfileState = { ...state, cooldowns, failureCounts: resetCounts ? {} : state.failureCounts }
  if (disabledExpired) delete next.disabled
  return next
}

/** `models auth clear-cooldown`: everything goes, including a billing disable. */
export function clearAllCooldowns(state: ProfileState): ProfileState {
  const next: ProfileState = { ...state, cooldowns: [], failureCounts: {} }
  delete next.disabled
  return next
}

export type UnusableScope = 'profile' | 'model' | 'disabled'

export interface Unusable {
  until: number
  reason: FailureClass
  scope: UnusableScope
  model?: string
}

/**
 * Why the profile cannot serve `model` right now, reporting the LATEST blocking deadline so
 * the countdown shown is honest. Without a model only profile-wide windows block.
 */
export function unusableFor(
  state: ProfileState,
  model: string | undefined,
  now: number,
): Unusable | undefined {
  if (state.disabled === undefined && state.cooldowns.length === 0) return undefined
  let worst: Unusable | undefined
  const consider = (u: Unusable): void => {
    if (u.until > now && (worst === undefined || u.until > worst.until)) worst = u
  }
  if (state.disabled)
    consider({ until: state.disabled.until, reason: state.disabled.reason, scope: 'disabled' })
  for (const c of state.cooldowns) {
    if (c.model === WHOLE_PROFILE) consider({ until: c.until, reason: c.reason, scope: 'profile' })
    else if (model !== undefined && c.model === model) {
      consider({ until: c.until, reason: c.reason, scope: 'model', model: c.model })
    }
  }
  return worst
}

export interface ActiveWindow {
  kind: 'cooldown' | 'disabled'
  /** Model id, or '*' for profile-wide rows and the disabled lane. */
  model: string
  until: number
  remainingMs: number
  reason: FailureClass
}

/** Every window still running, soonest first (for status output). */
export function activeWindows(state: ProfileState, now: number): ActiveWindow[] {
  const out: ActiveWindow[] = []
  if (state.disabled && state.disabled.until > now) {
    const d = state.disabled
    out.push({
      kind: 'disabled',
      model: WHOLE_PROFILE,
      until: d.until,
      remainingMs: d.until - now,
      reason: d.reason,
    })
  }
  for (const c of state.cooldowns) {
    if (c.until > now) {
      out.push({
        kind: 'cooldown',
        model: c.model,
        until: c.until,
        remainingMs: c.until - now,
        reason: c.reason,
      })
    }
  }
  return out.sort((a, b) => a.until - b.until || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false
  return true
}

/** Counts restart after a quiet day or once the previous window has run out. */
/** The window is still running and the failed request left before it began. */
function sameIncident(w: { until: number; lastFailureAt: number }, f: FailureInput): boolean {
  return f.sentAt !== undefined && w.until > f.now && f.sentAt <= w.lastFailureAt
}

function counterLapsed(w: { until: number; lastFailureAt: number }, now: number): boolean {
  return now - w.lastFailureAt > FAILURE_WINDOW_MS || w.until <= now
}

/** A running window is never shortened; an expired one does not count. */
function activeUntil(w: { until: number } | undefined, now: number): number {
  return w !== undefined && w.until > now ? w.until : 0
}

function retryAfterFloor(retryAfterMs: number | undefined, now: number): number {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return 0
  return now + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
}

function disableMs(reason: DisabledReason, count: number): number {
  const [base, max] =
    reason === 'billing'
      ? [BILLING_DISABLE_BASE_MS, BILLING_DISABLE_MAX_MS]
      : [AUTH_PERMANENT_DISABLE_BASE_MS, AUTH_PERMANENT_DISABLE_MAX_MS]
  // The exponent is bounded so a long failure streak cannot overflow to Infinity.
  return Math.min(max, base * 2 ** Math.min(count - 1, 20))
}
