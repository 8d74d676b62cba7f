import { describe, expect, it } from 'vitest'
import { recordFailure } from './cooldown.ts'
import { type AuthView, resolveProviderAuth } from './resolve.ts'
import type { Credential, ProfileState, StoredProfile } from './types.ts'
import { emptyProfileState } from './types.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const MIN = 60_000

function sp(id: string, credential: Credential): StoredProfile {
  return { id, credential, createdAt: 0, updatedAt: 0, generation: 1 }
}

function view(profiles: StoredProfile[], states = new Map<string, ProfileState>()): AuthView {
  return {
    agentId: 'main',
    storePath: '/tmp/x.sqlite',
    profiles,
    owners: new Map(profiles.map((p) => [p.id, 'main'])),
    states,
    orderOverrides: {},
    config: {},
    env: {},
  }
}

const ids = (r: ReturnType<typeof resolveProviderAuth>) =>
  r.candidates.map((c) =>
    c.kind === 'profile' ? `${c.profileId}${c.available ? '' : '(cooling)'}` : c.source,
  )

// The gateway asks the same view again and again; the reusable part of the order is cached
// per view, so these check that what changes between calls still shows at once.
describe('resolveProviderAuth on one view over time', () => {
  it('a token that expires between two calls on the same view is excluded by the second', () => {
    const v = view([
      sp('anthropic:tok', {
        type: 'token',
        provider: 'anthropic',
        token: 'sk-ant-oat01-x',
        expires: NOW + MIN,
      }),
      sp('anthropic:key', { type: 'api_key', provider: 'anthropic', key: 'sk-ant-api03-x' }),
    ])
    expect(ids(resolveProviderAuth(v, { provider: 'anthropic', now: NOW }))).toEqual([
      'anthropic:tok',
      'anthropic:key',
    ])
    const later = resolveProviderAuth(v, { provider: 'anthropic', now: NOW + 2 * MIN })
    expect(ids(later)).toEqual(['anthropic:key'])
    expect(later.order?.excluded.map((e) => [e.profileId, e.reason])).toEqual([['anthropic:tok', 'expired']])
    // A clock that goes back (an injected clock in tests, `now: 0` in status) is not served the later plan.
    expect(ids(resolveProviderAuth(v, { provider: 'anthropic', now: NOW }))).toEqual([
      'anthropic:tok',
      'anthropic:key',
    ])
  })

  it('cooldowns and last use written into the view states apply to the next call', () => {
    const states = new Map<string, ProfileState>()
    const v = view(
      [
        sp('openai:a', { type: 'api_key', provider: 'openai', key: 'sk-a' }),
        sp('openai:b', { type: 'api_key', provider: 'openai', key: 'sk-b' }),
      ],
      states,
    )
    expect(ids(resolveProviderAuth(v, { provider: 'openai', model: 'm', now: NOW }))).toEqual([
      'openai:a',
      'openai:b',
    ])
    states.set('openai:a', { ...emptyProfileState('openai:a'), lastUsed: NOW })
    expect(ids(resolveProviderAuth(v, { provider: 'openai', model: 'm', now: NOW + 1 }))).toEqual([
      'openai:b',
      'openai:a',
    ])
    states.set(
      'openai:b',
      recordFailure(emptyProfileState('openai:b'), { reason: 'rate_limit', model: 'm', now: NOW + 1 }),
    )
    expect(ids(resolveProviderAuth(v, { provider: 'openai', model: 'm', now: NOW + 2 }))).toEqual([
      'openai:a',
      'openai:b(cooling)',
    ])
    // Model-scoped: another model still sees b first by round-robin.
    expect(ids(resolveProviderAuth(v, { provider: 'openai', model: 'other', now: NOW + 2 }))).toEqual([
      'openai:b',
      'openai:a',
    ])
  })

  it('a user pin outside the order still resolves with its secret', () => {
    const v = view([
      sp('openai:a', { type: 'api_key', provider: 'openai', key: 'sk-a' }),
      sp('openai:b', { type: 'api_key', provider: 'openai', key: 'sk-b' }),
    ])
    v.orderOverrides = { openai: ['openai:a'] }
    const r = resolveProviderAuth(v, {
      provider: 'openai',
      now: NOW,
      pin: { profileId: 'openai:b', source: 'user' },
    })
    expect(ids(r)).toEqual(['openai:b', 'openai:a'])
    expect(r.effective?.kind === 'profile' && r.effective.secret).toBe('sk-b')
  })
})
