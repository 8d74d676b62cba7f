import { describe, expect, it } from 'vitest'
import { evaluateEligibility, isValidExpires, MAX_DATE_MS } from './eligibility.ts'
import type { Credential, EligibilityReason, ProfileMode, SecretRef, StoredProfile } from './types.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const HOUR = 3_600_000
const KEY = 'sk-ant-api03-SECRETVALUE-0123456789abcdef'
const TOKEN = 'sk-ant-oat01-TOKENVALUE-0123456789abcdef'
const ACCESS = 'ACCESS-TOKEN-VALUE-0123456789'
const REFRESH = 'REFRESH-TOKEN-VALUE-0123456789'

function profile(credential: Credential | Record<string, unknown>, id = 'anthropic:work'): StoredProfile {
  return { id, credential: credential as Credential, createdAt: 0, updatedAt: 0, generation: 1 }
}

const envRef = (id: string): SecretRef => ({ source: 'env', provider: 'default', id })
const refs =
  (state: 'resolved' | 'unresolved' | 'unknown') =>
  (_ref: SecretRef): 'resolved' | 'unresolved' | 'unknown' =>
    state

type Row = [
  string,
  Credential | Record<string, unknown>,
  { provider?: string; configMode?: ProfileMode; refState?: 'resolved' | 'unresolved' | 'unknown' },
  EligibilityReason,
]

const rows: Row[] = [
  // api_key
  ['api_key with key', { type: 'api_key', provider: 'anthropic', key: KEY }, {}, 'ok'],
  ['api_key with keyRef', { type: 'api_key', provider: 'anthropic', keyRef: envRef('K') }, {}, 'ok'],
  ['api_key neither', { type: 'api_key', provider: 'anthropic' }, {}, 'missing_credential'],
  ['api_key blank key', { type: 'api_key', provider: 'anthropic', key: '  \n' }, {}, 'missing_credential'],
  ['api_key empty key', { type: 'api_key', provider: 'anthropic', key: '' }, {}, 'missing_credential'],
  ['api_key non-string key', { type: 'api_key', provider: 'anthropic', key: 42 }, {}, 'missing_credential'],
  [
    'api_key keyRef unresolved',
    { type: 'api_key', provider: 'anthropic', keyRef: envRef('K') },
    { refState: 'unresolved' },
    'unresolved_ref',
  ],
  [
    'api_key keyRef unresolved beats plaintext',
    { type: 'api_key', provider: 'anthropic', key: KEY, keyRef: envRef('K') },
    { refState: 'unresolved' },
    'unresolved_ref',
  ],
  [
    'api_key keyRef unknown does not block',
    { type: 'api_key', provider: 'anthropic', keyRef: envRef('K') },
    { refState: 'unknown' },
    'ok',
  ],
  [
    'api_key keyRef resolved',
    { type: 'api_key', provider: 'anthropic', keyRef: envRef('K') },
    { refState: 'resolved' },
    'ok',
  ],
  // token
  ['token no expiry', { type: 'token', provider: 'anthropic', token: TOKEN }, {}, 'ok'],
  [
    'token future expiry',
    { type: 'token', provider: 'anthropic', token: TOKEN, expires: NOW + HOUR },
    {},
    'ok',
  ],
  ['token neither', { type: 'token', provider: 'anthropic' }, {}, 'missing_credential'],
  ['token blank', { type: 'token', provider: 'anthropic', token: ' ' }, {}, 'missing_credential'],
  ['token with tokenRef only', { type: 'token', provider: 'anthropic', tokenRef: envRef('T') }, {}, 'ok'],
  ['token expired', { type: 'token', provider: 'anthropic', token: TOKEN, expires: NOW - 1 }, {}, 'expired'],
  [
    'token expires exactly now',
    { type: 'token', provider: 'anthropic', token: TOKEN, expires: NOW },
    {},
    'expired',
  ],
  [
    'tokenRef does not bypass expiry',
    { type: 'token', provider: 'anthropic', tokenRef: envRef('T'), expires: NOW - HOUR },
    { refState: 'resolved' },
    'expired',
  ],
  [
    'tokenRef unresolved',
    { type: 'token', provider: 'anthropic', tokenRef: envRef('T') },
    { refState: 'unresolved' },
    'unresolved_ref',
  ],
  [
    'tokenRef unresolved beats plaintext',
    { type: 'token', provider: 'anthropic', token: TOKEN, tokenRef: envRef('T') },
    { refState: 'unresolved' },
    'unresolved_ref',
  ],
  ...(
    [
      ['NaN', Number.NaN],
      ['0', 0],
      ['negative', -5],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['too large', MAX_DATE_MS + 1],
      ['string', '1700000000000'],
      ['null', null],
      ['object', {}],
    ] as const
  ).map(
    ([label, expires]): Row => [
      `token expires ${label}`,
      { type: 'token', provider: 'anthropic', token: TOKEN, expires },
      {},
      'invalid_expires',
    ],
  ),
  // oauth
  [
    'oauth access+refresh',
    { type: 'oauth', provider: 'openai', access: ACCESS, refresh: REFRESH, expires: NOW + HOUR },
    { provider: 'openai' },
    'ok',
  ],
  ['oauth refresh only', { type: 'oauth', provider: 'openai', refresh: REFRESH }, {}, 'ok'],
  ['oauth access only, no expiry', { type: 'oauth', provider: 'openai', access: ACCESS }, {}, 'ok'],
  ['oauth neither', { type: 'oauth', provider: 'openai' }, {}, 'missing_credential'],
  [
    'oauth blank both',
    { type: 'oauth', provider: 'openai', access: ' ', refresh: '' },
    {},
    'missing_credential',
  ],
  [
    'oauth expired access with refresh stays eligible',
    { type: 'oauth', provider: 'openai', access: ACCESS, refresh: REFRESH, expires: NOW - HOUR },
    {},
    'ok',
  ],
  [
    'oauth expired access without refresh',
    { type: 'oauth', provider: 'openai', access: ACCESS, expires: NOW - HOUR },
    {},
    'expired',
  ],
  [
    'oauth invalid expires',
    { type: 'oauth', provider: 'openai', access: ACCESS, refresh: REFRESH, expires: Number.NaN },
    {},
    'invalid_expires',
  ],
  [
    'oauth negative expires',
    { type: 'oauth', provider: 'openai', access: ACCESS, refresh: REFRESH, expires: -1 },
    {},
    'invalid_expires',
  ],
  [
    'oauth SecretRef as access',
    { type: 'oauth', provider: 'openai', access: envRef('A'), refresh: REFRESH },
    {},
    'ineligible_profile',
  ],
  [
    'oauth SecretRef as refresh',
    {
      type: 'oauth',
      provider: 'openai',
      access: ACCESS,
      refresh: { source: 'file', provider: 'f', id: '/r' },
    },
    {},
    'ineligible_profile',
  ],
  [
    'oauth tokenRef field',
    { type: 'oauth', provider: 'openai', access: ACCESS, tokenRef: envRef('T') },
    {},
    'ineligible_profile',
  ],
  // provider and config mode
  [
    'provider mismatch',
    { type: 'api_key', provider: 'openai', key: KEY },
    { provider: 'anthropic' },
    'ineligible_profile',
  ],
  ['provider match', { type: 'api_key', provider: 'anthropic', key: KEY }, { provider: 'anthropic' }, 'ok'],
  [
    'provider match is normalised',
    { type: 'oauth', provider: 'openai-codex', access: ACCESS },
    { provider: 'OpenAI' },
    'ok',
  ],
  [
    'config mode equal',
    { type: 'token', provider: 'anthropic', token: TOKEN },
    { configMode: 'token' },
    'ok',
  ],
  [
    'config api_key vs stored token',
    { type: 'token', provider: 'anthropic', token: TOKEN },
    { configMode: 'api_key' },
    'ineligible_profile',
  ],
  [
    'config token vs stored api_key',
    { type: 'api_key', provider: 'anthropic', key: KEY },
    { configMode: 'token' },
    'ineligible_profile',
  ],
  [
    'config oauth tolerates stored token',
    { type: 'token', provider: 'anthropic', token: TOKEN },
    { configMode: 'oauth' },
    'ok',
  ],
  [
    'config oauth vs stored api_key',
    { type: 'api_key', provider: 'anthropic', key: KEY },
    { configMode: 'oauth' },
    'ineligible_profile',
  ],
  [
    'config token vs stored oauth',
    { type: 'oauth', provider: 'anthropic', access: ACCESS },
    { configMode: 'token' },
    'ineligible_profile',
  ],
  [
    'config aws-sdk with stored api_key',
    { type: 'api_key', provider: 'amazon-bedrock', key: KEY },
    { configMode: 'aws-sdk' },
    'ineligible_profile',
  ],
  ['unknown type', { type: 'password', provider: 'anthropic', key: KEY }, {}, 'ineligible_profile'],
]

describe('evaluateEligibility', () => {
  it.each(rows)('%s -> %s', (_label, credential, o, reason) => {
    const r = evaluateEligibility(profile(credential), {
      now: NOW,
      ...(o.provider ? { provider: o.provider } : {}),
      ...(o.configMode ? { configMode: o.configMode } : {}),
      ...(o.refState ? { refState: refs(o.refState) } : {}),
    })
    expect(r.reason).toBe(reason)
    expect(r.eligible).toBe(reason === 'ok')
    expect(r.detail.length).toBeGreaterThan(0)
    // Details are shown to users and logged: never a secret value.
    for (const secret of [KEY, TOKEN, ACCESS, REFRESH]) expect(r.detail).not.toContain(secret)
  })

  it('names the expiry instant in the detail', () => {
    const expires = Date.parse('2026-11-21T10:00:00.000Z')
    const r = evaluateEligibility(profile({ type: 'token', provider: 'anthropic', token: TOKEN, expires }), {
      now: NOW,
    })
    expect(r.detail).toBe('Token expired at 2026-11-21T10:00:00.000Z.')
  })

  it('names the unresolved ref by its coordinates', () => {
    const r = evaluateEligibility(
      profile({ type: 'api_key', provider: 'anthropic', keyRef: envRef('ANTHROPIC_KEY') }),
      {
        now: NOW,
        refState: refs('unresolved'),
      },
    )
    expect(r.detail).toContain('env:default:ANTHROPIC_KEY')
  })

  it('does not echo a non-numeric expires (it could be a misplaced token)', () => {
    const r = evaluateEligibility(
      profile({ type: 'token', provider: 'anthropic', token: TOKEN, expires: TOKEN }),
      {
        now: NOW,
      },
    )
    expect(r.reason).toBe('invalid_expires')
    expect(r.detail).toContain('a string')
  })

  it('passes the ref to refState', () => {
    const seen: SecretRef[] = []
    const ref = envRef('X')
    evaluateEligibility(profile({ type: 'api_key', provider: 'anthropic', keyRef: ref }), {
      now: NOW,
      refState: (r) => {
        seen.push(r)
        return 'resolved'
      },
    })
    expect(seen).toEqual([ref])
  })
})

describe('isValidExpires', () => {
  it.each([
    [1, true],
    [NOW, true],
    [MAX_DATE_MS, true],
    [MAX_DATE_MS + 1, false],
    [0, false],
    [-1, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ['1700000000000', false],
    [null, false],
    [undefined, false],
  ])('%j -> %j', (v, ok) => {
    expect(isValidExpires(v)).toBe(ok)
  })
})
