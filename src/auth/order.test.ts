import { describe, expect, it } from 'vitest'
import type { AuthProfileConfig } from '../config/types.ts'
import { recordFailure } from './cooldown.ts'
import { EXCLUDED_BY_ORDER_DETAIL, type OrderInput, resolveProfileOrder } from './order.ts'
import type { Credential, ProfileState, SecretRef, StoredProfile } from './types.ts'
import { emptyProfileState } from './types.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const S = 1000
const MIN = 60 * S
const H = 60 * MIN

function sp(id: string, credential: Credential): StoredProfile {
  return { id, credential, createdAt: 0, updatedAt: 0, generation: 1 }
}
const key = (id: string, provider = id.split(':')[0] as string): StoredProfile =>
  sp(id, { type: 'api_key', provider, key: `sk-${id}-0123456789abcdef` })
const tok = (id: string, extra: Partial<Credential> = {}): StoredProfile =>
  sp(id, {
    type: 'token',
    provider: id.split(':')[0] as string,
    token: 'tok-0123456789abcdef',
    ...extra,
  } as Credential)
const oauth = (id: string, expires: number | undefined, extra: Record<string, unknown> = {}): StoredProfile =>
  sp(id, {
    type: 'oauth',
    provider: id.split(':')[0] as string,
    access: 'acc-0123456789',
    refresh: 'ref-0123456789',
    ...(expires === undefined ? {} : { expires }),
    ...extra,
  } as Credential)

function states(entries: Record<string, Partial<ProfileState>>): Map<string, ProfileState> {
  return new Map(Object.entries(entries).map(([id, s]) => [id, { ...emptyProfileState(id), ...s }]))
}
function cooled(id: string, f: Parameters<typeof recordFailure>[1]): [string, ProfileState] {
  return [id, recordFailure(emptyProfileState(id), f)]
}

function run(input: Partial<OrderInput> & Pick<OrderInput, 'profiles'>) {
  return resolveProfileOrder({ provider: 'anthropic', now: NOW, states: new Map(), ...input })
}
const ids = (r: ReturnType<typeof run>) => r.ordered.map((o) => o.profileId)
const excl = (r: ReturnType<typeof run>) => Object.fromEntries(r.excluded.map((e) => [e.profileId, e.reason]))

describe('resolveProfileOrder: round-robin over stored profiles', () => {
  it('ranks oauth < token < api_key, then least recently used, never-used first, ties by id', () => {
    const profiles = [
      key('anthropic:k-b'),
      key('anthropic:k-a'),
      key('anthropic:k-used'),
      tok('anthropic:t'),
      oauth('anthropic:o', NOW + H),
      key('openai:other'),
    ]
    const r = run({ profiles, states: states({ 'anthropic:k-used': { lastUsed: NOW - H } }) })
    expect(r.source).toBe('stored')
    expect(r.explicit).toBe(false)
    expect(ids(r)).toEqual([
      'anthropic:o',
      'anthropic:t',
      'anthropic:k-a',
      'anthropic:k-b',
      'anthropic:k-used',
    ])
    expect(r.ordered.map((o) => o.type)).toEqual(['oauth', 'token', 'api_key', 'api_key', 'api_key'])
    expect(r.ordered.every((o) => o.available)).toBe(true)
    expect(r.excluded).toEqual([])
  })

  it('puts never-used before used, then oldest lastUsed first', () => {
    const profiles = [key('anthropic:a'), key('anthropic:b'), key('anthropic:c')]
    const r = run({
      profiles,
      states: states({ 'anthropic:a': { lastUsed: NOW - S }, 'anthropic:b': { lastUsed: NOW - H } }),
    })
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:b', 'anthropic:a'])
  })

  it('does not rank by lastGood', () => {
    const profiles = [key('anthropic:a'), key('anthropic:b')]
    const r = run({
      profiles,
      states: states({
        'anthropic:a': { lastUsed: NOW - H, lastGoodAt: NOW - H },
        'anthropic:b': { lastUsed: NOW - 2 * H, lastGoodAt: undefined },
      }),
    })
    expect(ids(r)).toEqual(['anthropic:b', 'anthropic:a'])
  })

  it('puts OAuth with a usable access token before expired or access-less ones', () => {
    const profiles = [
      oauth('anthropic:expired', NOW - S),
      oauth('anthropic:refresh-only', undefined, { access: undefined }),
      oauth('anthropic:valid', NOW + H),
      oauth('anthropic:no-expiry', undefined),
    ]
    const r = run({
      profiles,
      // The usable ones were used more recently, so only the access-token rule puts them first.
      states: states({
        'anthropic:refresh-only': { lastUsed: 1 },
        'anthropic:valid': { lastUsed: NOW - S },
        'anthropic:no-expiry': { lastUsed: NOW - 2 * S },
      }),
    })
    expect(ids(r)).toEqual([
      'anthropic:no-expiry',
      'anthropic:valid',
      'anthropic:expired',
      'anthropic:refresh-only',
    ])
  })

  it('compares providers through the normaliser (legacy openai-codex is openai)', () => {
    const profiles = [oauth('openai-codex:codex-cli', NOW + H), key('openai:key')]
    const r = run({ provider: ' OpenAI ', profiles })
    expect(ids(r)).toEqual(['openai-codex:codex-cli', 'openai:key'])
  })

  it('drops ineligible stored profiles with their eligibility reason', () => {
    const profiles = [
      key('anthropic:ok'),
      tok('anthropic:expired', { expires: NOW - 1 }),
      tok('anthropic:bad-expiry', { expires: 0 }),
      sp('anthropic:empty', { type: 'api_key', provider: 'anthropic', key: ' ' }),
      sp('anthropic:ref', {
        type: 'api_key',
        provider: 'anthropic',
        keyRef: { source: 'env', provider: 'default', id: 'X' },
      }),
    ]
    const r = run({ profiles, refState: (ref: SecretRef) => (ref.id === 'X' ? 'unresolved' : 'resolved') })
    expect(ids(r)).toEqual(['anthropic:ok'])
    expect(excl(r)).toEqual({
      'anthropic:expired': 'expired',
      'anthropic:bad-expiry': 'invalid_expires',
      'anthropic:empty': 'missing_credential',
      'anthropic:ref': 'unresolved_ref',
    })
    expect(r.excluded.find((e) => e.profileId === 'anthropic:expired')?.detail).toMatch(/^Token expired at /)
  })
})

describe('resolveProfileOrder: base list precedence', () => {
  const profiles = [key('anthropic:a'), key('anthropic:b'), key('anthropic:c')]
  const configProfiles: Record<string, AuthProfileConfig> = {
    'anthropic:c': { provider: 'anthropic', mode: 'api_key' },
    'anthropic:b': { provider: 'anthropic', mode: 'api_key' },
    'openai:x': { provider: 'openai', mode: 'api_key' },
  }

  it('agent override wins over auth.order', () => {
    const r = run({ profiles, storedOrder: ['anthropic:b'], configOrder: ['anthropic:a'], configProfiles })
    expect(r.source).toBe('agent-override')
    expect(r.explicit).toBe(true)
    expect(ids(r)).toEqual(['anthropic:b'])
  })

  it('auth.order wins over auth.profiles', () => {
    const r = run({ profiles, configOrder: ['anthropic:c', 'anthropic:a'], configProfiles })
    expect(r.source).toBe('config-order')
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:a'])
    expect(r.excluded).toEqual([
      { profileId: 'anthropic:b', reason: 'excluded_by_auth_order', detail: EXCLUDED_BY_ORDER_DETAIL },
    ])
    expect(EXCLUDED_BY_ORDER_DETAIL).toBe('Excluded by auth.order for this provider.')
  })

  it('auth.profiles of the provider come next and are round-robin, not explicit', () => {
    const r = run({ profiles, configProfiles, states: states({ 'anthropic:b': { lastUsed: NOW - S } }) })
    expect(r.source).toBe('config-profiles')
    expect(r.explicit).toBe(false)
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:b'])
    expect(r.excluded).toEqual([])
  })

  it('falls through to stored profiles when auth.profiles has none for the provider', () => {
    const r = run({ profiles, configProfiles: { 'openai:x': { provider: 'openai', mode: 'api_key' } } })
    expect(r.source).toBe('stored')
    expect(ids(r)).toEqual(['anthropic:a', 'anthropic:b', 'anthropic:c'])
  })

  it('an empty explicit order selects no profiles', () => {
    const r = run({ profiles, configOrder: [] })
    expect(r.source).toBe('config-order')
    expect(r.ordered).toEqual([])
    expect(excl(r)).toEqual({
      'anthropic:a': 'excluded_by_auth_order',
      'anthropic:b': 'excluded_by_auth_order',
      'anthropic:c': 'excluded_by_auth_order',
    })
  })

  it('an empty agent override also wins over a non-empty auth.order', () => {
    expect(run({ profiles, storedOrder: [], configOrder: ['anthropic:a'] }).ordered).toEqual([])
  })
})

describe('resolveProfileOrder: explicit order filtering', () => {
  it('keeps the explicit sequence even against type ranking', () => {
    const profiles = [oauth('anthropic:o', NOW + H), key('anthropic:k')]
    expect(ids(run({ profiles, configOrder: ['anthropic:k', 'anthropic:o'] }))).toEqual([
      'anthropic:k',
      'anthropic:o',
    ])
  })

  it('ignores stale ids instead of collapsing rotation (#83088)', () => {
    const profiles = [key('anthropic:a'), key('anthropic:b')]
    const r = run({ profiles, configOrder: ['anthropic:gone', 'anthropic:a', 'anthropic:b'] })
    expect(ids(r)).toEqual(['anthropic:a', 'anthropic:b'])
    const stale = r.excluded.find((e) => e.profileId === 'anthropic:gone')
    expect(stale?.reason).toBe('not_stored')
    expect(stale?.detail).toMatch(/ignored/)
    expect(stale?.detail).toContain('auth.order')
  })

  it('dedupes keeping the first occurrence', () => {
    const profiles = [key('anthropic:a'), key('anthropic:b')]
    const r = run({ profiles, storedOrder: ['anthropic:b', 'anthropic:a', 'anthropic:b'] })
    expect(ids(r)).toEqual(['anthropic:b', 'anthropic:a'])
    expect(r.excluded).toEqual([])
  })

  it('drops ids of another provider', () => {
    const profiles = [key('anthropic:a'), key('openai:x')]
    const r = run({ profiles, configOrder: ['openai:x', 'anthropic:a'] })
    expect(ids(r)).toEqual(['anthropic:a'])
    expect(excl(r)).toEqual({ 'openai:x': 'provider_mismatch' })
  })

  it('drops a profile whose config entry names another provider', () => {
    const profiles = [key('anthropic:a'), key('anthropic:b')]
    const r = run({
      profiles,
      configOrder: ['anthropic:a', 'anthropic:b'],
      configProfiles: { 'anthropic:b': { provider: 'openai', mode: 'api_key' } },
    })
    expect(ids(r)).toEqual(['anthropic:a'])
    expect(excl(r)).toEqual({ 'anthropic:b': 'provider_mismatch' })
  })

  it('applies the config mode: conflicts are ineligible, oauth tolerates a stored token', () => {
    const profiles = [key('anthropic:k'), tok('anthropic:t')]
    const r = run({
      profiles,
      configProfiles: {
        'anthropic:k': { provider: 'anthropic', mode: 'token' },
        'anthropic:t': { provider: 'anthropic', mode: 'oauth' },
      },
    })
    expect(ids(r)).toEqual(['anthropic:t'])
    expect(excl(r)).toEqual({ 'anthropic:k': 'ineligible_profile' })
  })

  it('reports config-only aws-sdk ids as not stored', () => {
    const r = run({
      provider: 'amazon-bedrock',
      profiles: [],
      configProfiles: { 'amazon-bedrock:default': { provider: 'amazon-bedrock', mode: 'aws-sdk' } },
    })
    expect(r.ordered).toEqual([])
    expect(r.excluded[0]).toMatchObject({ profileId: 'amazon-bedrock:default', reason: 'not_stored' })
    expect(r.excluded[0]?.detail).toContain('aws-sdk')
  })
})

describe('resolveProfileOrder: cooldowns', () => {
  const profiles = [key('anthropic:a'), key('anthropic:b'), key('anthropic:c'), key('anthropic:d')]

  it('explicit: keeps available in sequence and moves unusable last, soonest first', () => {
    const st = new Map([
      cooled('anthropic:a', { reason: 'auth', now: NOW, retryAfterMs: 20 * MIN }),
      cooled('anthropic:b', { reason: 'billing', now: NOW }),
    ])
    const r = run({
      profiles,
      states: st,
      configOrder: ['anthropic:a', 'anthropic:b', 'anthropic:c', 'anthropic:d'],
    })
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:d', 'anthropic:b', 'anthropic:a'])
    expect(r.ordered[2]).toEqual({
      profileId: 'anthropic:b',
      type: 'api_key',
      available: false,
      unusable: { until: NOW + 10 * MIN, reason: 'billing', scope: 'disabled' },
    })
    expect(r.ordered[3]?.unusable).toEqual({ until: NOW + 20 * MIN, reason: 'auth', scope: 'profile' })
  })

  it('explicit: equal deadlines keep the explicit sequence', () => {
    const st = new Map([
      cooled('anthropic:d', { reason: 'auth', now: NOW }),
      cooled('anthropic:a', { reason: 'auth', now: NOW }),
    ])
    const r = run({ profiles, states: st, configOrder: ['anthropic:d', 'anthropic:c', 'anthropic:a'] })
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:d', 'anthropic:a'])
  })

  it('round-robin: unusable last by soonest deadline', () => {
    const st = new Map([
      cooled('anthropic:a', { reason: 'auth', now: NOW, retryAfterMs: 5 * MIN }),
      cooled('anthropic:b', { reason: 'auth', now: NOW }),
    ])
    expect(ids(run({ profiles, states: st }))).toEqual([
      'anthropic:c',
      'anthropic:d',
      'anthropic:b',
      'anthropic:a',
    ])
  })

  it('model-scoped cooldowns only block that model', () => {
    const st = new Map([cooled('anthropic:a', { reason: 'rate_limit', model: 'claude-opus', now: NOW })])
    const forOpus = run({ profiles, states: st, model: 'claude-opus' })
    expect(ids(forOpus).at(-1)).toBe('anthropic:a')
    expect(forOpus.ordered.at(-1)?.unusable?.scope).toBe('model')
    const forSonnet = run({ profiles, states: st, model: 'claude-sonnet' })
    expect(forSonnet.ordered.every((o) => o.available)).toBe(true)
    expect(ids(forSonnet)[0]).toBe('anthropic:a')
    expect(run({ profiles, states: st }).ordered.every((o) => o.available)).toBe(true)
  })

  it('expired windows do not block (lazy expiry)', () => {
    const st = new Map([cooled('anthropic:a', { reason: 'billing', now: NOW - H })])
    const r = run({ profiles, states: st })
    expect(r.ordered.every((o) => o.available)).toBe(true)
    expect(ids(r)[0]).toBe('anthropic:a')
  })
})

describe('resolveProfileOrder: pins', () => {
  const profiles = [
    key('anthropic:a'),
    key('anthropic:b'),
    key('anthropic:c'),
    key('openai:x'),
    tok('anthropic:old', { expires: NOW - 1 }),
  ]

  it('a user pin goes first', () => {
    const r = run({ profiles, pin: { profileId: 'anthropic:c', source: 'user' } })
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:a', 'anthropic:b'])
    expect(r.pinApplied).toBe(true)
  })

  it('a user pin goes first even when the explicit order omits it', () => {
    const r = run({
      profiles,
      configOrder: ['anthropic:a'],
      pin: { profileId: 'anthropic:c', source: 'user' },
    })
    expect(ids(r)).toEqual(['anthropic:c', 'anthropic:a'])
    expect(excl(r)).toEqual({
      'anthropic:b': 'excluded_by_auth_order',
      'anthropic:old': 'excluded_by_auth_order',
    })
    expect(r.pinApplied).toBe(true)
  })

  it('a cooling user pin leaves the order alone (the pin itself is the caller’s business)', () => {
    const st = new Map([cooled('anthropic:c', { reason: 'rate_limit', model: 'opus', now: NOW })])
    const r = run({ profiles, states: st, model: 'opus', pin: { profileId: 'anthropic:c', source: 'user' } })
    expect(ids(r)).toEqual(['anthropic:a', 'anthropic:b', 'anthropic:c'])
    expect(r.pinApplied).toBe(false)
    const other = run({
      profiles,
      states: st,
      model: 'sonnet',
      pin: { profileId: 'anthropic:c', source: 'user' },
    })
    expect(ids(other)[0]).toBe('anthropic:c')
  })

  it('a cooling user pin omitted by the explicit order stays excluded', () => {
    const st = new Map([cooled('anthropic:c', { reason: 'auth', now: NOW })])
    const r = run({
      profiles,
      states: st,
      configOrder: ['anthropic:a'],
      pin: { profileId: 'anthropic:c', source: 'user' },
    })
    expect(ids(r)).toEqual(['anthropic:a'])
    expect(r.pinApplied).toBe(false)
  })

  it.each([
    ['ineligible', 'anthropic:old'],
    ['another provider', 'openai:x'],
    ['not stored', 'anthropic:gone'],
  ])('a user pin that is %s is not applied', (_label, pinId) => {
    const r = run({ profiles, pin: { profileId: pinId, source: 'user' } })
    expect(ids(r)).toEqual(['anthropic:a', 'anthropic:b', 'anthropic:c'])
    expect(r.pinApplied).toBe(false)
  })

  it('a bare-name pin means <provider>:<name>', () => {
    const r = run({ profiles, pin: { profileId: 'c', source: 'user' } })
    expect(ids(r)[0]).toBe('anthropic:c')
    expect(r.pinApplied).toBe(true)
  })

  it('an auto pin goes first when it is in the list and available', () => {
    const r = run({ profiles, pin: { profileId: 'anthropic:b', source: 'auto' } })
    expect(ids(r)).toEqual(['anthropic:b', 'anthropic:a', 'anthropic:c'])
    expect(r.pinApplied).toBe(true)
  })

  it('an auto pin outside the explicit order is not applied', () => {
    const r = run({
      profiles,
      configOrder: ['anthropic:a'],
      pin: { profileId: 'anthropic:b', source: 'auto' },
    })
    expect(ids(r)).toEqual(['anthropic:a'])
    expect(r.pinApplied).toBe(false)
  })

  it('an auto pin in cooldown is not applied', () => {
    const st = new Map([cooled('anthropic:a', { reason: 'auth', now: NOW })])
    const r = run({ profiles, states: st, pin: { profileId: 'anthropic:a', source: 'auto' } })
    expect(ids(r)).toEqual(['anthropic:b', 'anthropic:c', 'anthropic:a'])
    expect(r.pinApplied).toBe(false)
  })
})

describe('resolveProfileOrder: purity', () => {
  it('does not mutate its inputs', () => {
    const profiles = Object.freeze([key('anthropic:a'), key('anthropic:b')])
    const order = Object.freeze(['anthropic:b'])
    const st = new Map([cooled('anthropic:a', { reason: 'auth', now: NOW - H })])
    const snapshot = JSON.stringify([...st])
    run({ profiles, storedOrder: order, states: st, pin: { profileId: 'anthropic:a', source: 'user' } })
    expect(JSON.stringify([...st])).toBe(snapshot)
  })
})
