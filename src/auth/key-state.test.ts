import { describe, expect, it } from 'vitest'
import { parseClearTarget } from './clear-target.ts'
import { recordFailure } from './cooldown.ts'
import {
  configKeyStateId,
  envKeyStateId,
  isKeyStateId,
  keyFingerprint,
  parseKeyStateId,
} from './key-state-id.ts'
import { envRow, unusableKeys } from './key-status.ts'
import { isValidProfileId } from './profile-id.ts'
import { type AuthView, resolveProviderAuth } from './resolve.ts'
import type { ProfileState } from './types.ts'
import { emptyProfileState } from './types.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const K1 = 'sk-ant-api03-first-key-0123456789abcdef'
const K2 = 'sk-ant-api03-second-key-fedcba9876543210'

function view(env: Record<string, string>, states = new Map<string, ProfileState>(), config = {}): AuthView {
  return {
    agentId: 'main',
    storePath: '/tmp/x.sqlite',
    profiles: [],
    owners: new Map(),
    states,
    orderOverrides: {},
    config,
    env,
  }
}

function cooled(id: string, model: string, reason: 'rate_limit' | 'billing' = 'rate_limit'): ProfileState {
  return recordFailure(emptyProfileState(id), { reason, model, now: NOW, retryAfterMs: 120_000 })
}

describe('key state ids', () => {
  it('name provider, variable and a fingerprint; never the value; never a valid profile id', () => {
    const id = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', K1)
    expect(id).toMatch(/^env:anthropic:ANTHROPIC_API_KEYS#[0-9a-f]{12}$/)
    expect(id).not.toContain(K1.slice(-8))
    expect(isValidProfileId(id)).toBe(false)
    expect(isKeyStateId(id)).toBe(true)
    expect(isKeyStateId('env:work')).toBe(false)
    expect(parseKeyStateId(id)).toEqual({
      kind: 'env',
      provider: 'anthropic',
      name: 'ANTHROPIC_API_KEYS',
      fingerprint: keyFingerprint(K1),
    })
    expect(parseKeyStateId(configKeyStateId('openrouter', K2))).toMatchObject({
      kind: 'config',
      name: 'apiKey',
    })
    expect(parseKeyStateId('anthropic:work')).toBeUndefined()
  })

  it('depend on the value, not on the position of the key in its list', () => {
    expect(keyFingerprint(K1)).toBe(keyFingerprint(K1))
    expect(keyFingerprint(K1)).not.toBe(keyFingerprint(K2))
    const a = resolveProviderAuth(view({ ANTHROPIC_API_KEYS: `${K1},${K2}` }), {
      provider: 'anthropic',
      now: NOW,
    })
    const b = resolveProviderAuth(view({ ANTHROPIC_API_KEYS: `${K2},${K1}` }), {
      provider: 'anthropic',
      now: NOW,
    })
    const idOf = (r: typeof a, secret: string) => r.candidates.find((c) => c.secret === secret)
    expect(idOf(a, K1)).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[0]' })
    expect(idOf(b, K1)).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[1]' })
    expect((idOf(a, K1) as { stateId: string }).stateId).toBe((idOf(b, K1) as { stateId: string }).stateId)
  })
})

describe('resolution with env-key state', () => {
  const env = { ANTHROPIC_API_KEYS: `${K1},${K2}` }
  const id1 = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', K1)

  it('a key cooling for the model is not effective; other models still get it', () => {
    const v = view(env, new Map([[id1, cooled(id1, 'claude-x')]]))
    const forModel = resolveProviderAuth(v, { provider: 'anthropic', model: 'claude-x', now: NOW })
    expect(forModel.effective).toMatchObject({ kind: 'env', source: 'env: ANTHROPIC_API_KEYS[1]' })
    expect(forModel.candidates[0]).toMatchObject({
      available: false,
      unusable: { reason: 'rate_limit', scope: 'model' },
    })
    const other = resolveProviderAuth(v, { provider: 'anthropic', model: 'claude-y', now: NOW })
    expect(other.effective).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[0]' })
    // Once the window has passed the key serves again.
    const later = resolveProviderAuth(v, { provider: 'anthropic', model: 'claude-x', now: NOW + 121_000 })
    expect(later.effective).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[0]' })
  })

  it('every key disabled: nothing is effective, the candidates stay listed', () => {
    const id2 = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', K2)
    const v = view(
      env,
      new Map([
        [id1, cooled(id1, 'claude-x', 'billing')],
        [id2, cooled(id2, 'claude-x', 'billing')],
      ]),
    )
    const r = resolveProviderAuth(v, { provider: 'anthropic', now: NOW })
    expect(r.effective).toBeUndefined()
    expect(r.candidates).toHaveLength(2)
    expect(r.error).toBeUndefined()
  })

  it('the config key has state of its own', () => {
    const config = { models: { providers: { openrouter: { apiKey: K2 } } } }
    const cid = configKeyStateId('openrouter', K2)
    const v = view({}, new Map([[cid, cooled(cid, '*', 'billing')]]), config)
    const r = resolveProviderAuth(v, { provider: 'openrouter', now: NOW })
    expect(r.candidates).toEqual([
      expect.objectContaining({ kind: 'config', stateId: cid, available: false }),
    ])
    expect(unusableKeys('openrouter', r.candidates, v.states, NOW)).toEqual([
      expect.objectContaining({
        key: 'models.providers.openrouter.apiKey',
        kind: 'disabled',
        reason: 'billing',
      }),
    ])
  })

  it('status rows: the effective env key is shown, masked; cooldowns carry the clear command', () => {
    const v = view(env, new Map([[id1, cooled(id1, 'claude-x')]]))
    const r = resolveProviderAuth(v, { provider: 'anthropic', model: 'claude-x', now: NOW })
    const row = envRow(r.candidates)!
    expect(row).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[1]', count: 2 })
    expect(JSON.stringify(row)).not.toContain(K2.slice(-12))
    expect(unusableKeys('anthropic', r.candidates, v.states, NOW)).toEqual([
      expect.objectContaining({
        key: 'env:ANTHROPIC_API_KEYS[0]',
        keyId: id1,
        model: 'claude-x',
        remainingMs: 120_000,
        recovery:
          'waits out automatically; to retry now run: openclaw models auth clear-cooldown env:ANTHROPIC_API_KEYS[0]',
      }),
    ])
  })
})

describe('clear-cooldown targets', () => {
  const parse = (arg: string | undefined, provider?: string, env = false) =>
    parseClearTarget(arg, { provider, env })

  it('profiles, env key names as status prints them, config keys, stored ids, --provider --env', () => {
    expect(parse('anthropic:work')).toEqual({ kind: 'profile', profileId: 'anthropic:work' })
    expect(parse('env:ANTHROPIC_API_KEYS[1]')).toEqual({
      kind: 'env-key',
      varName: 'ANTHROPIC_API_KEYS',
      index: 1,
      alsoProfileId: false,
    })
    expect(parse('env: ANTHROPIC_API_KEY')).toMatchObject({
      kind: 'env-key',
      varName: 'ANTHROPIC_API_KEY',
      index: undefined,
    })
    expect(parse('env:ANTHROPIC_API_KEY')).toMatchObject({ alsoProfileId: true })
    expect(parse('models.providers.OpenRouter.apiKey')).toEqual({
      kind: 'config-key',
      provider: 'openrouter',
    })
    const id = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', K1)
    expect(parse(id)).toEqual({ kind: 'key-id', id })
    expect(parse(undefined, 'Anthropic', true)).toEqual({ kind: 'provider-keys', provider: 'anthropic' })
  })

  it('refuses what it cannot mean, as usage errors or invalid ids with a hint', () => {
    const code = (f: () => unknown) => {
      try {
        f()
        return 'ok'
      } catch (e) {
        return (e as { code: string }).code
      }
    }
    expect(code(() => parse(undefined))).toBe('usage')
    expect(code(() => parse(undefined, undefined, true))).toBe('usage')
    expect(code(() => parse('env:X', 'anthropic', true))).toBe('usage')
    expect(code(() => parse('nonsense'))).toBe('invalid_profile_id')
    expect(code(() => parse('env:ANTHROPIC_API_KEYS[x]'))).toBe('invalid_profile_id')
  })
})
