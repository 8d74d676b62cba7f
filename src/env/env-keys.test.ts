import { describe, expect, it } from 'vitest'
import {
  collectEnvApiKeys,
  envKeyVarNames,
  naturalCompare,
  providerEnvPrefix,
  providerEnvPrefixes,
  splitKeyList,
} from './env-keys.ts'

const values = (provider: string, env: Record<string, string | undefined>) =>
  collectEnvApiKeys(provider, env).map((k) => k.value)

describe('providerEnvPrefix', () => {
  it('upper-cases and maps - to _', () => {
    expect(providerEnvPrefix('anthropic')).toBe('ANTHROPIC')
    expect(providerEnvPrefix('azure-openai')).toBe('AZURE_OPENAI')
    expect(providerEnvPrefix('OpenRouter')).toBe('OPENROUTER')
  })

  it('uses GEMINI for google and google-vertex', () => {
    expect(providerEnvPrefix('google')).toBe('GEMINI')
    expect(providerEnvPrefix('google-vertex')).toBe('GEMINI')
  })
})

describe('splitKeyList', () => {
  it('splits on commas, semicolons and any whitespace', () => {
    expect(splitKeyList('a,b;c d\te\nf , ;g')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
    expect(splitKeyList('  ')).toEqual([])
  })
})

describe('collectEnvApiKeys', () => {
  it('OPENCLAW_LIVE_<P>_KEY pins exactly one key', () => {
    const keys = collectEnvApiKeys('anthropic', {
      OPENCLAW_LIVE_ANTHROPIC_KEY: ' live ',
      ANTHROPIC_API_KEYS: 'a,b',
      ANTHROPIC_API_KEY: 'c',
    })
    expect(keys).toEqual([
      { value: 'live', varName: 'OPENCLAW_LIVE_ANTHROPIC_KEY', source: 'env: OPENCLAW_LIVE_ANTHROPIC_KEY' },
    ])
  })

  it('ignores an empty or placeholder pin', () => {
    expect(values('anthropic', { OPENCLAW_LIVE_ANTHROPIC_KEY: '  ', ANTHROPIC_API_KEY: 'c' })).toEqual(['c'])
    expect(values('anthropic', { OPENCLAW_LIVE_ANTHROPIC_KEY: 'undefined', ANTHROPIC_API_KEY: 'c' })).toEqual(
      ['c'],
    )
  })

  it('reads list, newer list, single, numbered, in that order', () => {
    const env = {
      ANTHROPIC_API_KEY_10: 'k10',
      ANTHROPIC_API_KEY: 'single',
      OPENCLAW_LIVE_ANTHROPIC_KEYS: 'live1 live2',
      ANTHROPIC_API_KEY_2: 'k2',
      ANTHROPIC_API_KEYS: 'l1, l2; l3',
      ANTHROPIC_API_KEY_1: 'k1',
      OPENAI_API_KEY: 'other-provider',
    }
    expect(values('anthropic', env)).toEqual([
      'l1',
      'l2',
      'l3',
      'live1',
      'live2',
      'single',
      'k1',
      'k2',
      'k10',
    ])
  })

  it('sorts numbered vars naturally, with non-numeric suffixes after digits', () => {
    const env = { X_API_KEY_BACKUP: 'b', X_API_KEY_10: 'ten', X_API_KEY_9: 'nine', X_API_KEY_A: 'a' }
    expect(values('x', env)).toEqual(['nine', 'ten', 'a', 'b'])
  })

  it('labels each key with its variable, never its value', () => {
    const keys = collectEnvApiKeys('openai', {
      OPENAI_API_KEYS: 'sk-one,sk-two,sk-three',
      OPENAI_API_KEY: 'sk-four',
      OPENAI_API_KEY_2: 'sk-five',
    })
    expect(keys.map((k) => k.source)).toEqual([
      'env: OPENAI_API_KEYS[0]',
      'env: OPENAI_API_KEYS[1]',
      'env: OPENAI_API_KEYS[2]',
      'env: OPENAI_API_KEY',
      'env: OPENAI_API_KEY_2',
    ])
    expect(keys.map((k) => k.varName)).toEqual([
      'OPENAI_API_KEYS',
      'OPENAI_API_KEYS',
      'OPENAI_API_KEYS',
      'OPENAI_API_KEY',
      'OPENAI_API_KEY_2',
    ])
    for (const key of keys) expect(key.source).not.toContain('sk-')
  })

  it('trims, drops empties and placeholder strings, dedupes keeping the first label', () => {
    const keys = collectEnvApiKeys('openai', {
      OPENAI_API_KEYS: 'dup,,null; undefined ,x',
      OPENAI_API_KEY: '  dup  ',
      OPENAI_API_KEY_1: 'x',
      OPENAI_API_KEY_2: '',
      OPENAI_API_KEY_3: 'null',
    })
    expect(keys).toEqual([
      { value: 'dup', varName: 'OPENAI_API_KEYS', source: 'env: OPENAI_API_KEYS[0]' },
      { value: 'x', varName: 'OPENAI_API_KEYS', source: 'env: OPENAI_API_KEYS[3]' },
    ])
  })

  it('google reads the GOOGLE_* and GEMINI_* families rank by rank, GOOGLE_API_KEY last', () => {
    const env = {
      GEMINI_API_KEY: 'g1',
      GOOGLE_API_KEY: 'g2',
      GEMINI_API_KEY_2: 'g3',
      GOOGLE_API_KEYS: 'l1,l2',
      GEMINI_API_KEYS: 'l3;l1',
      GOOGLE_API_KEY_1: 'n1',
      GOOGLE_API_KEY_10: 'g1',
    }
    // lists (GOOGLE first), singles (GEMINI_API_KEY), numbered (GOOGLE_ then GEMINI_), fallback.
    expect(values('google', env)).toEqual(['l1', 'l2', 'l3', 'g1', 'n1', 'g3', 'g2'])
    expect(collectEnvApiKeys('google', env).map((k) => k.source)).toEqual([
      'env: GOOGLE_API_KEYS[0]',
      'env: GOOGLE_API_KEYS[1]',
      'env: GEMINI_API_KEYS[0]',
      'env: GEMINI_API_KEY',
      'env: GOOGLE_API_KEY_1',
      'env: GEMINI_API_KEY_2',
      'env: GOOGLE_API_KEY',
    ])
    expect(values('google', { GEMINI_API_KEY: 'g1', GOOGLE_API_KEY: 'g2' })).toEqual(['g1', 'g2'])
    expect(values('google-vertex', { GEMINI_API_KEY: 'g1', GOOGLE_API_KEY: 'g2' })).toEqual(['g1', 'g2'])
    expect(values('openai', { GOOGLE_API_KEY: 'g2' })).toEqual([])
  })

  it('google: either live pin pins one key, the GOOGLE_ one first', () => {
    const env = { OPENCLAW_LIVE_GEMINI_KEY: 'pg', GOOGLE_API_KEYS: 'a,b' }
    expect(values('google', env)).toEqual(['pg'])
    expect(values('google', { ...env, OPENCLAW_LIVE_GOOGLE_KEY: 'po' })).toEqual(['po'])
  })

  it('maps dashes in the provider id', () => {
    expect(values('azure-openai', { AZURE_OPENAI_API_KEY: 'az' })).toEqual(['az'])
  })

  it('returns nothing when no variable is set', () => {
    expect(collectEnvApiKeys('anthropic', {})).toEqual([])
  })
})

describe('envKeyVarNames', () => {
  it('lists the names consulted, in priority order', () => {
    expect(envKeyVarNames('anthropic', { ANTHROPIC_API_KEY_3: 'x', ANTHROPIC_API_KEY_12: 'y' })).toEqual([
      'OPENCLAW_LIVE_ANTHROPIC_KEY',
      'ANTHROPIC_API_KEYS',
      'OPENCLAW_LIVE_ANTHROPIC_KEYS',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_API_KEY_3',
      'ANTHROPIC_API_KEY_12',
    ])
  })

  it('google: both families, GOOGLE_API_KEY last', () => {
    expect(envKeyVarNames('google', { GEMINI_API_KEY_2: 'x', GOOGLE_API_KEY_1: 'y' })).toEqual([
      'OPENCLAW_LIVE_GOOGLE_KEY',
      'OPENCLAW_LIVE_GEMINI_KEY',
      'GOOGLE_API_KEYS',
      'OPENCLAW_LIVE_GOOGLE_KEYS',
      'GEMINI_API_KEYS',
      'OPENCLAW_LIVE_GEMINI_KEYS',
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY_1',
      'GEMINI_API_KEY_2',
      'GOOGLE_API_KEY',
    ])
  })

  it('onboard still writes Google keys under GEMINI_API_KEY; other providers use the formula', () => {
    expect(providerEnvPrefix('google')).toBe('GEMINI')
    expect(providerEnvPrefixes('google')).toEqual(['GOOGLE', 'GEMINI'])
    expect(providerEnvPrefixes('azure-openai')).toEqual(['AZURE_OPENAI'])
  })
})

describe('naturalCompare', () => {
  it('orders digit runs as numbers and the rest by code unit, totally', () => {
    const sorted = ['10', '2', '1', 'b', 'B', '02', 'a1', 'a10', 'a2', ''].sort(naturalCompare)
    expect(sorted).toEqual(['', '1', '02', '2', '10', 'B', 'a1', 'a2', 'a10', 'b'])
    expect(naturalCompare('x', 'x')).toBe(0)
    expect(Math.sign(naturalCompare('2', '02'))).toBe(-Math.sign(naturalCompare('02', '2')))
  })
})
