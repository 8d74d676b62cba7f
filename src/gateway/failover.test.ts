import { describe, expect, it } from 'vitest'
import type { Classification } from '../auth/classify.ts'
import type { Candidate, ResolvedAuth } from '../auth/resolve.ts'
import type { FailureClass } from '../auth/types.ts'
import { type ChainEntry, runFailover, summarize } from './failover.ts'

const NOW = 1_000_000

function profile(id: string, extra: Partial<Extract<Candidate, { kind: 'profile' }>> = {}): Candidate {
  return {
    kind: 'profile',
    profileId: id,
    mode: 'api_key',
    source: `profile:${id}`,
    secret: `s-${id}`,
    available: true,
    ...extra,
  }
}

function env(i: number): Candidate {
  return {
    kind: 'env',
    varName: 'X_API_KEYS',
    source: `env: X_API_KEYS[${i}]`,
    mode: 'api_key',
    secret: `k${i}`,
    index: i,
    stateId: `env:p:X_API_KEYS#00000000000${i}`,
    available: true,
  }
}

function resolved(provider: string, candidates: Candidate[]): ResolvedAuth {
  return { provider, model: 'm', order: undefined, candidates, effective: candidates[0], error: undefined }
}

/** Scripted outcomes by candidate source; missing = success. */
function harness(byProvider: Record<string, Candidate[]>, script: Record<string, FailureClass | 'client'>) {
  const calls: string[] = []
  const failures: string[] = []
  const successes: string[] = []
  const run = (chain: ChainEntry[]) =>
    runFailover<string>(chain, {
      now: () => NOW,
      resolve: (e) => resolved(e.provider, byProvider[e.provider] ?? []),
      keyUnusable: () => undefined,
      attempt: async (e, c) => {
        calls.push(`${e.provider}/${e.model}:${c.source}`)
        const s = script[c.source]
        if (!s) return { ok: true, value: c.source }
        if (s === 'client')
          return {
            ok: false,
            classification: { reason: 'format', detail: 'bad request' },
            status: 400,
            clientError: true,
          }
        const cls: Classification = { reason: s, detail: `failed with ${s}` }
        return { ok: false, classification: cls, status: s === 'rate_limit' ? 429 : s === 'auth' ? 401 : 500 }
      },
      onFailure: (_e, c, cls) => {
        failures.push(`${c.source}=${cls.reason}`)
        return undefined
      },
      onSuccess: (_e, c) => successes.push(c.source),
    })
  return { run, calls, failures, successes }
}

describe('runFailover', () => {
  it('tries every profile on rate limits, recording each failure, until one succeeds', async () => {
    const h = harness(
      { p: [profile('p:a'), profile('p:b'), profile('p:c')] },
      { 'profile:p:a': 'rate_limit', 'profile:p:b': 'overloaded' },
    )
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(r.ok && r.value).toBe('profile:p:c')
    expect(h.failures).toEqual(['profile:p:a=rate_limit', 'profile:p:b=overloaded'])
    expect(h.successes).toEqual(['profile:p:c'])
  })

  it('rotates profiles on auth errors too (a broken key must not block its siblings)', async () => {
    const h = harness({ p: [profile('p:a'), profile('p:b')] }, { 'profile:p:a': 'auth' })
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(r.ok).toBe(true)
    expect(h.calls).toHaveLength(2)
  })

  it('env keys: next key only on rate limits (seed docs)', async () => {
    const h = harness(
      { p: [env(0), env(1), env(2)] },
      { 'env: X_API_KEYS[0]': 'rate_limit', 'env: X_API_KEYS[1]': 'rate_limit' },
    )
    const ok = await h.run([{ provider: 'p', model: 'm' }])
    expect(ok.ok && ok.value).toBe('env: X_API_KEYS[2]')
    const h2 = harness({ p: [env(0), env(1), env(2)] }, { 'env: X_API_KEYS[0]': 'auth' })
    const bad = await h2.run([{ provider: 'p', model: 'm' }])
    expect(bad.ok).toBe(false)
    expect(h2.calls).toEqual(['p/m:env: X_API_KEYS[0]'])
    if (!bad.ok) {
      expect(bad.status).toBe(401)
      expect(bad.message).toContain('env: X_API_KEYS[0]')
      // The other keys were never sent: the message must not claim they failed.
      expect(bad.message).not.toContain('All credentials')
      expect(bad.message).toContain(
        'Not tried: env: X_API_KEYS[1], env: X_API_KEYS[2] (only rate-limit and billing errors move on to the next env key)',
      )
    }
  })

  it('env keys all rate-limited: the message still says every key failed', async () => {
    const h = harness(
      { p: [env(0), env(1)] },
      { 'env: X_API_KEYS[0]': 'rate_limit', 'env: X_API_KEYS[1]': 'rate_limit' },
    )
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(!r.ok && r.message).toMatch(/^All credentials for p\/m failed \(rate_limit\)/)
    expect(!r.ok && r.message).not.toContain('Not tried')
  })

  it('a cooling env or config key is skipped without a call, as the live hook says', async () => {
    const cfg: Candidate = {
      kind: 'config',
      source: 'models.providers.q.apiKey',
      mode: 'api_key',
      secret: 'c',
      stateId: 'config:q:apiKey#000000000000',
      available: true,
    }
    const calls: string[] = []
    const r = await runFailover<string>(
      [
        { provider: 'p', model: 'm' },
        { provider: 'q', model: 'm' },
      ],
      {
        now: () => NOW,
        resolve: (e) => resolved(e.provider, e.provider === 'p' ? [env(0), env(1)] : [cfg]),
        keyUnusable: (_e, c) =>
          c.source === 'env: X_API_KEYS[0]' || c.kind === 'config'
            ? { until: NOW + 5000, reason: 'rate_limit' }
            : undefined,
        attempt: async (_e, c) => {
          calls.push(c.source)
          return { ok: false, classification: { reason: 'rate_limit', detail: 'slow down' }, status: 429 }
        },
        onFailure: () => undefined,
        onSuccess: () => {},
      },
    )
    expect(calls).toEqual(['env: X_API_KEYS[1]'])
    expect(!r.ok && r.attempts.map((a) => `${a.source}:${a.outcome}`)).toEqual([
      'env: X_API_KEYS[0]:skipped',
      'env: X_API_KEYS[1]:rate_limit',
      'models.providers.q.apiKey:skipped',
    ])
  })

  it('format and client errors end the request at once, no rotation, no fallback', async () => {
    const h = harness(
      { p: [profile('p:a'), profile('p:b')], q: [profile('q:a')] },
      { 'profile:p:a': 'client' },
    )
    const r = await h.run([
      { provider: 'p', model: 'm' },
      { provider: 'q', model: 'n' },
    ])
    expect(r.ok).toBe(false)
    expect(h.calls).toEqual(['p/m:profile:p:a'])
    if (!r.ok) expect(r.status).toBe(400)
  })

  it('moves to the fallback model when every profile of the primary fails', async () => {
    const h = harness({ p: [profile('p:a')], q: [profile('q:a')] }, { 'profile:p:a': 'rate_limit' })
    const r = await h.run([
      { provider: 'p', model: 'm' },
      { provider: 'q', model: 'n' },
    ])
    expect(r.ok && r.entry).toEqual({ provider: 'q', model: 'n' })
  })

  it("model_not_found skips the rest of that model's profiles", async () => {
    const h = harness(
      { p: [profile('p:a'), profile('p:b')], q: [profile('q:a')] },
      { 'profile:p:a': 'model_not_found' },
    )
    await h.run([
      { provider: 'p', model: 'm' },
      { provider: 'q', model: 'n' },
    ])
    expect(h.calls).toEqual(['p/m:profile:p:a', 'q/n:profile:q:a'])
  })

  it('skips cooling profiles without calling them and reports the soonest availability', async () => {
    const cooling = profile('p:a', {
      available: false,
      unusable: { until: NOW + 30_000, reason: 'rate_limit', scope: 'model' },
    })
    const h = harness({ p: [cooling, profile('p:b')] }, { 'profile:p:b': 'rate_limit' })
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(h.calls).toEqual(['p/m:profile:p:b'])
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.status).toBe(429)
      expect(r.retryAfterMs).toBe(30_000)
      expect(r.attempts.map((a) => [a.profileId, a.outcome])).toEqual([
        ['p:a', 'skipped'],
        ['p:b', 'rate_limit'],
      ])
      expect(r.message).toContain('Soonest available in 30s')
    }
  })

  it('a disabled OAuth profile that needs a new login says so and promises no retry time (H-04)', async () => {
    const dead = profile('p:oauth', {
      mode: 'oauth',
      available: false,
      unusable: { until: NOW + 600_000, reason: 'auth_permanent', scope: 'disabled' },
      reauth: { reason: 'refresh_token_reused', command: 'openclaw models auth login --provider p' },
    })
    const h = harness({ p: [dead] }, {})
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(h.calls).toEqual([])
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.status).toBe(401)
      expect(r.retryAfterMs).toBeUndefined()
      expect(r.message).toContain(
        'p:oauth needs a new login (refresh_token_reused); run: openclaw models auth login --provider p',
      )
      expect(r.message).not.toContain('Soonest available')
    }
  })

  it('re-checks each candidate just before calling it: a key cooled by a concurrent request is skipped', async () => {
    const calls: string[] = []
    const cooledMeanwhile = new Set<string>()
    const r = await runFailover([{ provider: 'p', model: 'm' }], {
      now: () => NOW,
      resolve: () => resolved('p', [profile('p:a'), profile('p:b'), profile('p:c')]),
      keyUnusable: () => undefined,
      currentlyUnusable: (_e, c) =>
        c.kind === 'profile' && cooledMeanwhile.has(c.profileId)
          ? { until: NOW + 60_000, reason: 'rate_limit' }
          : undefined,
      attempt: async (_e, c) => {
        calls.push(c.source)
        // Another request cools p:b while this one is talking to p:a.
        cooledMeanwhile.add('p:b')
        return c.source === 'profile:p:a'
          ? { ok: false, classification: { reason: 'rate_limit', detail: '429' }, status: 429 }
          : { ok: true, value: c.source }
      },
      onFailure: () => undefined,
      onSuccess: () => {},
    })
    expect(calls).toEqual(['profile:p:a', 'profile:p:c'])
    expect(r.ok && r.value).toBe('profile:p:c')
  })

  it("no credentials anywhere gives the resolver's message and 401", async () => {
    const h = harness({}, {})
    const r = await h.run([{ provider: 'p', model: 'm' }])
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.status).toBe(401)
      expect(r.errorType).toBe('no_credentials')
    }
  })

  it('stops when the client has gone', async () => {
    const ac = new AbortController()
    ac.abort()
    const r = await runFailover([{ provider: 'p', model: 'm' }], {
      now: () => NOW,
      signal: ac.signal,
      resolve: () => resolved('p', [profile('p:a')]),
      keyUnusable: () => undefined,
      attempt: async () => ({ ok: true, value: 1 }),
      onFailure: () => undefined,
      onSuccess: () => {},
    })
    expect(r.ok === false && r.errorType).toBe('aborted')
  })
})

describe('summarize', () => {
  it.each([
    [['rate_limit', 'auth'], 'rate_limit'],
    [['overloaded'], 'overloaded'],
    [['overloaded', 'timeout'], 'rate_limit'],
    [['auth', 'timeout'], 'auth'],
    [['billing'], 'billing'],
    [['timeout', 'server_error'], 'timeout'],
    [['server_error'], 'upstream'],
    [['model_not_found'], 'model_not_found'],
    [['no_credentials'], 'no_credentials'],
  ])('%j -> %s', (kinds, expected) => {
    expect(summarize(kinds)).toBe(expected)
  })
})

describe('failures waiting cannot fix', () => {
  it('a refused refresh token reports no retry time, although the profile is disabled', async () => {
    const r = await runFailover<string>([{ provider: 'openai', model: 'm' }], {
      now: () => NOW,
      resolve: (e) => resolved(e.provider, [profile('openai:a')]),
      keyUnusable: () => undefined,
      attempt: async () => ({
        ok: false,
        classification: {
          reason: 'auth_permanent',
          detail: 'refresh token refused (invalid_grant)',
          waitingWontHelp: true,
          hint: 'Run: openclaw models auth login --provider openai',
        },
      }),
      // The store records a 10 min disable, and says so.
      onFailure: () => NOW + 600_000,
      onSuccess: () => {},
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.attempts[0]?.until).toBeUndefined()
    expect(r.retryAfterMs).toBeUndefined()
    expect(r.message).not.toContain('Soonest available')
    expect(r.hint).toContain('openclaw models auth login --provider openai')
  })
})
