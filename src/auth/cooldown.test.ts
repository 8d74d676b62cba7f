import { describe, expect, it } from 'vitest'
import {
  AUTH_PERMANENT_DISABLE_MAX_MS,
  activeWindows,
  BILLING_DISABLE_MAX_MS,
  COOLDOWN_LADDER_MS,
  clearAllCooldowns,
  clearExpired,
  FAILURE_WINDOW_MS,
  failureLane,
  isModelScoped,
  MAX_RETRY_AFTER_MS,
  markUsed,
  recordFailure,
  recordSuccess,
  unusableFor,
} from './cooldown.ts'
import type { CooldownEntry, FailureClass, ProfileState } from './types.ts'
import { emptyProfileState } from './types.ts'

const T0 = Date.parse('2026-11-22T10:00:00.000Z')
const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const ID = 'google:work'

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x)
    Object.freeze(v)
  }
  return v
}

function fresh(): ProfileState {
  return deepFreeze(emptyProfileState(ID))
}

function row(state: ProfileState, model: string): CooldownEntry | undefined {
  return state.cooldowns.find((c) => c.model === model)
}

/** Applies failures in sequence, freezing every intermediate state to prove nothing mutates. */
function fail(state: ProfileState, ...fs: Parameters<typeof recordFailure>[1][]): ProfileState {
  let s = deepFreeze(state)
  for (const f of fs) s = deepFreeze(recordFailure(s, f))
  return s
}

describe('constants', () => {
  it('match DECISIONS section 4', () => {
    expect(COOLDOWN_LADDER_MS).toEqual([30 * S, 60 * S, 300 * S])
    expect(FAILURE_WINDOW_MS).toBe(24 * H)
    expect(BILLING_DISABLE_MAX_MS).toBe(24 * H)
    expect(AUTH_PERMANENT_DISABLE_MAX_MS).toBe(60 * MIN)
  })
})

describe('isModelScoped / failureLane', () => {
  it.each<[FailureClass, boolean, string, string]>([
    ['rate_limit', true, 'model', 'profile'],
    ['timeout', true, 'model', 'profile'],
    ['overloaded', true, 'model', 'profile'],
    ['model_not_found', true, 'model', 'profile'],
    ['server_error', true, 'model', 'profile'],
    ['unknown', true, 'model', 'profile'],
    ['auth', false, 'profile', 'profile'],
    ['billing', false, 'disabled', 'disabled'],
    ['auth_permanent', false, 'disabled', 'disabled'],
    ['format', false, 'none', 'none'],
  ])('%s: model-scoped=%s, lane with model=%s, without=%s', (reason, scoped, withModel, without) => {
    expect(isModelScoped(reason)).toBe(scoped)
    expect(failureLane(reason, 'gemini-pro')).toBe(withModel)
    expect(failureLane(reason)).toBe(without)
    expect(failureLane(reason, '')).toBe(without)
  })
})

describe('recordFailure: ladder and counters', () => {
  it('steps 30 s, 60 s, 5 min and caps at 5 min while failures keep coming', () => {
    const m = 'gemini-pro'
    let s = fresh()
    const expected = [
      [0, T0 + 30 * S],
      [10 * S, T0 + 10 * S + 60 * S],
      [20 * S, T0 + 20 * S + 300 * S],
      [30 * S, T0 + 30 * S + 300 * S],
    ] as const
    expected.forEach(([dt, until], i) => {
      s = fail(s, { reason: 'rate_limit', model: m, now: T0 + dt })
      expect(row(s, m)?.errorCount).toBe(i + 1)
      expect(row(s, m)?.until).toBe(until)
    })
  })

  it('restarts the count once the previous window has expired (no stale escalation, #3604)', () => {
    const s1 = fail(fresh(), { reason: 'rate_limit', now: T0 }, { reason: 'rate_limit', now: T0 + S })
    expect(row(s1, '*')?.errorCount).toBe(2)
    const s2 = fail(s1, { reason: 'rate_limit', now: T0 + 2 * MIN })
    expect(row(s2, '*')?.errorCount).toBe(1)
    expect(row(s2, '*')?.until).toBe(T0 + 2 * MIN + 30 * S)
  })

  it('treats a window ending exactly now as expired', () => {
    const s = fail(fresh(), { reason: 'timeout', now: T0 }, { reason: 'timeout', now: T0 + 30 * S })
    expect(row(s, '*')?.errorCount).toBe(1)
  })

  it('restarts the count when the last failure is older than 24 h even if the window is still open', () => {
    const stale: ProfileState = {
      ...emptyProfileState(ID),
      lastFailureAt: T0 - 25 * H,
      failureCounts: { rate_limit: 7 },
      cooldowns: [
        {
          profileId: ID,
          model: '*',
          until: T0 + H,
          reason: 'rate_limit',
          errorCount: 7,
          lastFailureAt: T0 - 25 * H,
        },
      ],
    }
    const s = fail(stale, { reason: 'rate_limit', now: T0 })
    expect(row(s, '*')?.errorCount).toBe(1)
    expect(s.failureCounts).toEqual({ rate_limit: 1 })
    // ...but the open window is still not shortened.
    expect(row(s, '*')?.until).toBe(T0 + H)
  })

  it('never shortens an active window', () => {
    const s = fail(fresh(), { reason: 'rate_limit', model: 'm', now: T0, retryAfterMs: 10 * MIN })
    expect(row(s, 'm')?.until).toBe(T0 + 10 * MIN)
    const s2 = fail(s, { reason: 'rate_limit', model: 'm', now: T0 + MIN })
    expect(row(s2, 'm')?.until).toBe(T0 + 10 * MIN)
    expect(row(s2, 'm')?.errorCount).toBe(2)
  })

  it('treats Retry-After as a minimum, not a maximum', () => {
    expect(row(fail(fresh(), { reason: 'rate_limit', now: T0, retryAfterMs: 2 * MIN }), '*')?.until).toBe(
      T0 + 2 * MIN,
    )
    expect(row(fail(fresh(), { reason: 'rate_limit', now: T0, retryAfterMs: 5 * S }), '*')?.until).toBe(
      T0 + 30 * S,
    )
  })

  it.each([Number.NaN, -5, 0, Number.POSITIVE_INFINITY])('ignores a bogus Retry-After %s', (retryAfterMs) => {
    expect(row(fail(fresh(), { reason: 'rate_limit', now: T0, retryAfterMs }), '*')?.until).toBe(T0 + 30 * S)
  })

  it('caps an absurd Retry-After', () => {
    const s = fail(fresh(), { reason: 'rate_limit', now: T0, retryAfterMs: 365 * 24 * H })
    expect(row(s, '*')?.until).toBe(T0 + MAX_RETRY_AFTER_MS)
  })

  it('records the latest reason, lastFailureAt and per-reason counts', () => {
    const s = fail(
      fresh(),
      { reason: 'timeout', model: 'm', now: T0 },
      { reason: 'rate_limit', model: 'm', now: T0 + S },
      { reason: 'rate_limit', model: 'n', now: T0 + 2 * S },
    )
    expect(row(s, 'm')?.reason).toBe('rate_limit')
    expect(s.lastFailureAt).toBe(T0 + 2 * S)
    expect(s.failureCounts).toEqual({ timeout: 1, rate_limit: 2 })
  })

  it('resets all failure counts when the last failure is older than 24 h', () => {
    const s = fail(fresh(), { reason: 'timeout', now: T0 }, { reason: 'auth', now: T0 + 1 })
    expect(s.failureCounts).toEqual({ timeout: 1, auth: 1 })
    const later = fail(s, { reason: 'rate_limit', now: T0 + 1 + FAILURE_WINDOW_MS + 1 })
    expect(later.failureCounts).toEqual({ rate_limit: 1 })
  })

  it('returns a new state and never mutates the input', () => {
    const before = fresh()
    const after = recordFailure(before, { reason: 'rate_limit', model: 'm', now: T0 })
    expect(after).not.toBe(before)
    expect(before).toEqual(emptyProfileState(ID))
    expect(row(after, 'm')?.profileId).toBe(ID)
  })
})

describe('recordFailure: scope', () => {
  it('keeps model rows independent: two failing models leave a third usable (#141257)', () => {
    const a = fail(fresh(), { reason: 'model_not_found', model: 'model-a', now: T0 })
    const ab = fail(a, { reason: 'model_not_found', model: 'model-b', now: T0 + S })
    expect(row(ab, 'model-a')).toBe(row(a, 'model-a'))
    expect(row(ab, '*')).toBeUndefined()
    expect(unusableFor(ab, 'model-c', T0 + 2 * S)).toBeUndefined()
    expect(unusableFor(ab, undefined, T0 + 2 * S)).toBeUndefined()
    expect(unusableFor(ab, 'model-a', T0 + 2 * S)?.scope).toBe('model')
    expect(unusableFor(ab, 'model-b', T0 + 2 * S)?.scope).toBe('model')
  })

  it('a failure for model B never widens or extends model A', () => {
    const a = fail(fresh(), { reason: 'rate_limit', model: 'A', now: T0 })
    const b = fail(a, { reason: 'rate_limit', model: 'B', now: T0 + S, retryAfterMs: H })
    expect(row(b, 'A')).toEqual(row(a, 'A'))
    expect(row(b, 'B')?.until).toBe(T0 + S + H)
  })

  it.each<FailureClass>([
    'rate_limit',
    'timeout',
    'overloaded',
    'model_not_found',
    'server_error',
    'unknown',
  ])('%s with a model blocks only that model', (reason) => {
    const s = fail(fresh(), { reason, model: 'm1', now: T0 })
    expect(s.cooldowns.map((c) => c.model)).toEqual(['m1'])
    expect(unusableFor(s, 'm2', T0)).toBeUndefined()
    expect(unusableFor(s, 'm1', T0)).toMatchObject({ scope: 'model', reason, model: 'm1' })
  })

  it.each<FailureClass>(['rate_limit', 'timeout', 'unknown'])(
    '%s without a model is profile-wide',
    (reason) => {
      const s = fail(fresh(), { reason, now: T0 })
      expect(s.cooldowns.map((c) => c.model)).toEqual(['*'])
      expect(unusableFor(s, 'any', T0)?.scope).toBe('profile')
    },
  )

  it('auth is profile-wide even when a model is named', () => {
    const s = fail(fresh(), { reason: 'auth', model: 'm1', now: T0 })
    expect(s.cooldowns.map((c) => c.model)).toEqual(['*'])
    expect(unusableFor(s, 'm2', T0)).toMatchObject({ scope: 'profile', reason: 'auth' })
    expect(unusableFor(s, undefined, T0)?.scope).toBe('profile')
  })

  it('format changes nothing at all', () => {
    const s = fail(fresh(), { reason: 'rate_limit', model: 'm', now: T0 })
    const after = recordFailure(s, { reason: 'format', model: 'm', now: T0 + S })
    expect(after).toBe(s)
  })
})

describe('recordFailure: disabled lane', () => {
  it('billing disables the whole profile, 10 min doubling to a 24 h cap', () => {
    let s = fresh()
    const minutes = [10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440]
    minutes.forEach((m, i) => {
      const now = T0 + i * S
      s = fail(s, { reason: 'billing', model: 'm', now })
      expect(s.disabled).toEqual({
        until: now + m * MIN,
        reason: 'billing',
        count: i + 1,
        lastFailureAt: now,
      })
    })
    expect(s.cooldowns).toEqual([])
    expect(unusableFor(s, 'other-model', T0 + 20 * S)).toMatchObject({ scope: 'disabled', reason: 'billing' })
    expect(unusableFor(s, undefined, T0 + 20 * S)?.scope).toBe('disabled')
  })

  it('auth_permanent disables 10 min doubling to a 60 min cap', () => {
    let s = fresh()
    ;[10, 20, 40, 60, 60].forEach((m, i) => {
      s = fail(s, { reason: 'auth_permanent', now: T0 + i })
      expect(s.disabled?.until).toBe(T0 + i + m * MIN)
    })
  })

  it('restarts the doubling once the disable has expired', () => {
    const s = fail(fresh(), { reason: 'billing', now: T0 }, { reason: 'billing', now: T0 + MIN })
    expect(s.disabled?.count).toBe(2)
    const after = fail(s, { reason: 'billing', now: T0 + MIN + 21 * MIN })
    expect(after.disabled).toMatchObject({ count: 1, until: T0 + 22 * MIN + 10 * MIN })
  })

  it('restarts the doubling after 24 h without failures', () => {
    const stale: ProfileState = {
      ...emptyProfileState(ID),
      lastFailureAt: T0 - 25 * H,
      disabled: { until: T0 + H, reason: 'billing', count: 5, lastFailureAt: T0 - 25 * H },
    }
    const s = fail(stale, { reason: 'billing', now: T0 })
    expect(s.disabled?.count).toBe(1)
    expect(s.disabled?.until).toBe(T0 + H)
  })

  it('keeps the later deadline of an active disable', () => {
    const s = fail(fresh(), { reason: 'billing', now: T0 }, { reason: 'billing', now: T0 + S })
    const until = s.disabled?.until
    const after = fail(s, { reason: 'auth_permanent', now: T0 + 2 * S })
    expect(after.disabled?.until).toBe(until)
    expect(after.disabled?.count).toBe(1)
  })
})

describe('recordFailure: requests already in flight when a window opened (sentAt)', () => {
  const m = 'gemini-pro'

  it('a burst of failures sent before the first one was recorded stays on the first step', () => {
    // Ten requests left at T0 - 100 ms; their 429s arrive one after the other.
    const burst = Array.from({ length: 10 }, (_, i) => ({
      reason: 'rate_limit' as const,
      model: m,
      now: T0 + i * 5,
      sentAt: T0 - 100,
    }))
    const s = fail(fresh(), ...burst)
    expect(row(s, m)).toMatchObject({ errorCount: 1, until: T0 + COOLDOWN_LADDER_MS[0]!, lastFailureAt: T0 })
    // The profile still counts every failure it saw.
    expect(s.failureCounts.rate_limit).toBe(10)
    expect(s.lastFailureAt).toBe(T0 + 45)
  })

  it('an in-flight failure may lengthen the window to its Retry-After, never shorten it', () => {
    const s1 = fail(fresh(), { reason: 'rate_limit', model: m, now: T0, sentAt: T0 - 50 })
    const longer = fail(s1, {
      reason: 'rate_limit',
      model: m,
      now: T0 + 10,
      sentAt: T0 - 40,
      retryAfterMs: 90 * S,
    })
    expect(row(longer, m)).toMatchObject({ errorCount: 1, until: T0 + 10 + 90 * S })
    const shorter = fail(s1, {
      reason: 'rate_limit',
      model: m,
      now: T0 + 10,
      sentAt: T0 - 40,
      retryAfterMs: S,
    })
    expect(row(shorter, m)?.until).toBe(T0 + COOLDOWN_LADDER_MS[0]!)
  })

  it('a request sent after the window opened (a pinned @profile call) climbs the ladder', () => {
    const s1 = fail(fresh(), { reason: 'rate_limit', model: m, now: T0, sentAt: T0 - 50 })
    const s2 = fail(s1, { reason: 'rate_limit', model: m, now: T0 + 2 * S, sentAt: T0 + S })
    expect(row(s2, m)).toMatchObject({
      errorCount: 2,
      until: T0 + 2 * S + COOLDOWN_LADDER_MS[1]!,
      lastFailureAt: T0 + 2 * S,
    })
    // Its own in-flight companions then count against the new start.
    const s3 = fail(s2, { reason: 'rate_limit', model: m, now: T0 + 2 * S + 5, sentAt: T0 + S })
    expect(row(s3, m)?.errorCount).toBe(2)
  })

  it('without sentAt every failure inside the window climbs, as before', () => {
    const s = fail(
      fresh(),
      { reason: 'rate_limit', model: m, now: T0 },
      { reason: 'rate_limit', model: m, now: T0 + 5 },
    )
    expect(row(s, m)?.errorCount).toBe(2)
  })

  it('an in-flight failure after the window expired starts a new incident', () => {
    const s1 = fail(fresh(), { reason: 'rate_limit', model: m, now: T0, sentAt: T0 - 50 })
    const late = T0 + COOLDOWN_LADDER_MS[0]! + S
    const s2 = fail(s1, { reason: 'rate_limit', model: m, now: late, sentAt: T0 - 10 })
    expect(row(s2, m)).toMatchObject({ errorCount: 1, until: late + COOLDOWN_LADDER_MS[0]! })
  })

  it('the disabled lane: in-flight billing failures do not double the disable', () => {
    const s = fail(
      fresh(),
      { reason: 'billing', now: T0, sentAt: T0 - 50 },
      { reason: 'billing', now: T0 + 5, sentAt: T0 - 40 },
      { reason: 'billing', now: T0 + 9, sentAt: T0 - 30 },
    )
    expect(s.disabled).toMatchObject({ count: 1, until: T0 + 10 * MIN, lastFailureAt: T0 })
    const later = fail(s, { reason: 'billing', now: T0 + MIN, sentAt: T0 + 30 * S })
    expect(later.disabled?.count).toBe(2)
  })
})

describe('recordSuccess', () => {
  const busy = fail(
    fresh(),
    { reason: 'rate_limit', model: 'm1', now: T0 },
    { reason: 'rate_limit', model: 'm2', now: T0 },
    { reason: 'auth', now: T0 },
    { reason: 'billing', now: T0 },
  )

  it('clears the profile-wide row, this model, the disable and the counts; other models stay', () => {
    const s = deepFreeze(recordSuccess(busy, { model: 'm1', now: T0 + S }))
    expect(s.cooldowns.map((c) => c.model)).toEqual(['m2'])
    expect(s.disabled).toBeUndefined()
    expect('disabled' in s).toBe(false)
    expect(s.failureCounts).toEqual({})
    expect(s.lastUsed).toBe(T0 + S)
    expect(s.lastGoodAt).toBe(T0 + S)
    expect(s.lastFailureAt).toBe(T0)
    expect(unusableFor(s, 'm1', T0 + S)).toBeUndefined()
    expect(unusableFor(s, 'm2', T0 + S)?.scope).toBe('model')
  })

  it('without a model only the profile-wide row goes', () => {
    const s = recordSuccess(busy, { now: T0 + S })
    expect(s.cooldowns.map((c) => c.model).sort()).toEqual(['m1', 'm2'])
  })
})

describe('clearExpired (lazy expiry)', () => {
  it('drops passed windows and resets counts once nothing is active; keeps lastFailureAt', () => {
    const s = fail(fresh(), { reason: 'rate_limit', model: 'm', now: T0 }, { reason: 'billing', now: T0 })
    const c = clearExpired(s, T0 + 11 * MIN)
    expect(c.cooldowns).toEqual([])
    expect(c.disabled).toBeUndefined()
    expect(c.failureCounts).toEqual({})
    expect(c.lastFailureAt).toBe(T0)
  })

  it('keeps counts while some window is still active', () => {
    const s = fail(fresh(), { reason: 'rate_limit', model: 'm', now: T0 }, { reason: 'billing', now: T0 })
    const c = clearExpired(s, T0 + MIN)
    expect(c.cooldowns).toEqual([])
    expect(c.disabled?.reason).toBe('billing')
    expect(c.failureCounts).toEqual({ rate_limit: 1, billing: 1 })
  })

  it('keeps an active row and drops an expired one', () => {
    const s = fail(
      fresh(),
      { reason: 'rate_limit', model: 'a', now: T0 },
      { reason: 'rate_limit', model: 'b', now: T0 + MIN },
    )
    expect(clearExpired(s, T0 + MIN + S).cooldowns.map((c) => c.model)).toEqual(['b'])
  })

  it('returns the same object when nothing changed', () => {
    const s = fail(fresh(), { reason: 'rate_limit', now: T0 })
    expect(clearExpired(s, T0 + S)).toBe(s)
    const empty = fresh()
    expect(clearExpired(empty, T0)).toBe(empty)
  })

  it('a passed window stops blocking even without clearExpired', () => {
    const s = fail(fresh(), { reason: 'auth', now: T0 }, { reason: 'billing', now: T0 })
    expect(unusableFor(s, 'm', T0 + 10 * MIN)).toBeUndefined()
  })
})

describe('clearAllCooldowns', () => {
  it('removes every row, the disable and the counts', () => {
    const s = fail(fresh(), { reason: 'rate_limit', model: 'm', now: T0 }, { reason: 'billing', now: T0 })
    const c = clearAllCooldowns(s)
    expect(c.cooldowns).toEqual([])
    expect('disabled' in c).toBe(false)
    expect(c.failureCounts).toEqual({})
    expect(unusableFor(c, 'm', T0)).toBeUndefined()
  })
})

describe('unusableFor', () => {
  it('reports the latest deadline among disable, profile row and this model row', () => {
    const s = fail(
      fresh(),
      { reason: 'rate_limit', model: 'm', now: T0, retryAfterMs: 20 * MIN },
      { reason: 'auth', now: T0 },
      { reason: 'rate_limit', model: 'other', now: T0, retryAfterMs: 23 * H },
    )
    expect(unusableFor(s, 'm', T0)).toEqual({
      until: T0 + 20 * MIN,
      reason: 'rate_limit',
      scope: 'model',
      model: 'm',
    })
    expect(unusableFor(s, undefined, T0)).toEqual({ until: T0 + 30 * S, reason: 'auth', scope: 'profile' })
    const withDisable = fail(s, { reason: 'billing', now: T0 })
    expect(unusableFor(withDisable, 'm', T0)).toMatchObject({ scope: 'model', until: T0 + 20 * MIN })
    expect(unusableFor(withDisable, 'x', T0)).toMatchObject({ scope: 'disabled', until: T0 + 10 * MIN })
  })

  it('is undefined for a clean state', () => {
    expect(unusableFor(fresh(), 'm', T0)).toBeUndefined()
  })
})

describe('activeWindows', () => {
  it('lists running windows soonest first with remaining time', () => {
    const s = fail(
      fresh(),
      { reason: 'billing', now: T0 },
      { reason: 'rate_limit', model: 'm', now: T0 },
      { reason: 'timeout', model: 'gone', now: T0 - H },
    )
    expect(activeWindows(s, T0 + 10 * S)).toEqual([
      { kind: 'cooldown', model: 'm', until: T0 + 30 * S, remainingMs: 20 * S, reason: 'rate_limit' },
      {
        kind: 'disabled',
        model: '*',
        until: T0 + 10 * MIN,
        remainingMs: 10 * MIN - 10 * S,
        reason: 'billing',
      },
    ])
  })
})

describe('markUsed', () => {
  it('only sets lastUsed', () => {
    const s = fail(fresh(), { reason: 'rate_limit', now: T0 })
    const u = markUsed(s, T0 + S)
    expect(u).toEqual({ ...s, lastUsed: T0 + S })
    expect(s.lastUsed).toBeUndefined()
  })
})
