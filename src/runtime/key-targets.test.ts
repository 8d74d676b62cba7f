import { describe, expect, it } from 'vitest'
import { configKeyStateId, envKeyStateId } from '../auth/key-state-id.ts'
import { matchKeyTargets } from './key-targets.ts'

const [A, B, G] = ['sk-aaaaaaaaaaaaaaaa', 'sk-bbbbbbbbbbbbbbbb', 'AIzaGGGGGGGGGGGGGGGG']
const env = { ANTHROPIC_API_KEYS: `${A},${B}`, GOOGLE_API_KEY: G }
const inputs = (
  stored: string[] = [],
  configSecret: (p: string) => string | undefined = () => undefined,
) => ({
  providers: ['anthropic', 'google', 'google-vertex'],
  env,
  configSecret,
  storedIds: stored,
})

describe('matchKeyTargets', () => {
  it('an env name with an index is one key; without one, every key of the variable', () => {
    const one = matchKeyTargets(
      { kind: 'env-key', varName: 'ANTHROPIC_API_KEYS', index: 1, alsoProfileId: false },
      inputs(),
    )
    expect(one).toEqual([
      {
        provider: 'anthropic',
        key: 'env:ANTHROPIC_API_KEYS[1]',
        keyId: envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', B),
      },
    ])
    const all = matchKeyTargets(
      { kind: 'env-key', varName: 'ANTHROPIC_API_KEYS', index: undefined, alsoProfileId: false },
      inputs(),
    )
    expect(all.map((m) => m.key)).toEqual(['env:ANTHROPIC_API_KEYS[0]', 'env:ANTHROPIC_API_KEYS[1]'])
    expect(
      matchKeyTargets(
        { kind: 'env-key', varName: 'ANTHROPIC_API_KEYS', index: 2, alsoProfileId: false },
        inputs(),
      ),
    ).toEqual([])
  })

  it('a variable read by two providers matches both (each keeps its own row)', () => {
    const m = matchKeyTargets(
      { kind: 'env-key', varName: 'GOOGLE_API_KEY', index: undefined, alsoProfileId: true },
      inputs(),
    )
    expect(m.map((x) => x.provider)).toEqual(['google', 'google-vertex'])
  })

  it('--provider --env and stored ids reach rows of keys no longer in the environment', () => {
    const gone = envKeyStateId('anthropic', 'ANTHROPIC_API_KEY', 'sk-old-key-000000')
    const current = envKeyStateId('anthropic', 'ANTHROPIC_API_KEYS', A)
    const stored = [gone, current, 'anthropic:work', envKeyStateId('google', 'GOOGLE_API_KEY', G)]
    const m = matchKeyTargets({ kind: 'provider-keys', provider: 'anthropic' }, inputs(stored))
    expect(m).toEqual([
      { provider: 'anthropic', key: gone, keyId: gone },
      { provider: 'anthropic', key: 'env:ANTHROPIC_API_KEYS[0]', keyId: current },
    ])
    expect(matchKeyTargets({ kind: 'key-id', id: gone }, inputs(stored))).toEqual([
      { provider: 'anthropic', key: gone, keyId: gone },
    ])
  })

  it('the config key: its current value plus rows of values it had before', () => {
    const old = configKeyStateId('openrouter', 'sk-or-old-0000000')
    const m = matchKeyTargets(
      { kind: 'config-key', provider: 'openrouter' },
      {
        ...inputs([old]),
        providers: ['openrouter'],
        env: {},
        configSecret: (p) => (p === 'openrouter' ? B : undefined),
      },
    )
    expect(m.map((x) => x.key)).toEqual(['models.providers.openrouter.apiKey', old])
    expect(m[0]!.keyId).toBe(configKeyStateId('openrouter', B))
  })
})
