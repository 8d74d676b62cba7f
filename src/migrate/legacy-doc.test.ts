import { describe, expect, it } from 'vitest'
import { bearsCredentials, parseLegacyDoc, parseLegacyText } from './legacy-doc.ts'
import type { ParsedLegacy } from './types.ts'

function ok(outcome: ReturnType<typeof parseLegacyDoc>): ParsedLegacy {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.failure}`)
  return outcome.parsed
}

describe('parseLegacyDoc: every historical shape', () => {
  it('v1 { version, profiles } with type/key, token/expires, oauth', () => {
    const p = ok(
      parseLegacyDoc(
        {
          version: 1,
          profiles: {
            'anthropic:a': { type: 'api_key', provider: 'anthropic', key: ' sk-a ', email: 'a@x' },
            'anthropic:t': { type: 'token', provider: 'anthropic', token: 'tok', expires: 2_000_000_000_000 },
            'openai:o': {
              type: 'oauth',
              provider: 'openai',
              access: 'at',
              refresh: 'rt',
              expires: 2_000_000_000_000,
              accountId: 'acc',
            },
          },
        },
        'auth-profiles',
      ),
    )
    expect(p.shape).toBe('profiles')
    expect(p.rejected).toEqual([])
    expect(p.credentials).toEqual([
      {
        id: 'anthropic:a',
        credential: { type: 'api_key', provider: 'anthropic', key: 'sk-a', email: 'a@x' },
      },
      {
        id: 'anthropic:t',
        credential: { type: 'token', provider: 'anthropic', token: 'tok', expires: 2_000_000_000_000 },
      },
      {
        id: 'openai:o',
        credential: {
          type: 'oauth',
          provider: 'openai',
          access: 'at',
          refresh: 'rt',
          expires: 2_000_000_000_000,
          accountId: 'acc',
        },
      },
    ])
  })

  it('older entries with mode/apiKey instead of type/key (#26916)', () => {
    const p = ok(
      parseLegacyDoc(
        { profiles: { 'openai:x': { mode: 'api-key', provider: 'openai', apiKey: 'sk-x' } } },
        'auth-profiles',
      ),
    )
    expect(p.credentials[0]?.credential).toEqual({ type: 'api_key', provider: 'openai', key: 'sk-x' })
  })

  it('the flat { provider: { apiKey } } form becomes <provider>:default', () => {
    const p = ok(
      parseLegacyDoc(
        { openrouter: { apiKey: 'sk-or' }, Anthropic: { type: 'api_key', key: 'sk-a' } },
        'auth-json',
      ),
    )
    expect(p.shape).toBe('flat')
    expect(p.credentials.map((c) => [c.id, c.credential.provider])).toEqual([
      ['openrouter:default', 'openrouter'],
      ['anthropic:default', 'anthropic'],
    ])
  })

  it('credentials/oauth.json: provider -> untyped tokens are oauth', () => {
    const p = ok(
      parseLegacyDoc(
        { anthropic: { accessToken: 'at', refreshToken: 'rt', expiresAt: 2_000_000_000_000 } },
        'oauth-json',
      ),
    )
    expect(p.credentials[0]).toEqual({
      id: 'anthropic:default',
      credential: {
        type: 'oauth',
        provider: 'anthropic',
        access: 'at',
        refresh: 'rt',
        expires: 2_000_000_000_000,
      },
    })
  })

  it('embedded order, lastGood and usageStats are kept; auth-state.json has state only', () => {
    const doc = {
      order: { Anthropic: ['anthropic:a'] },
      lastGood: { anthropic: 'anthropic:a' },
      usageStats: {
        'anthropic:a': {
          lastUsed: 5,
          cooldownUntil: 9,
          cooldownReason: 'rate_limit',
          errorCount: 2,
          failureCounts: { rate_limit: 2, bogus: 'x' },
        },
      },
    }
    const p = ok(parseLegacyDoc(doc, 'auth-state'))
    expect(p.shape).toBe('state')
    expect(p.credentials).toEqual([])
    expect(p.state).toEqual({
      order: { anthropic: ['anthropic:a'] },
      lastGood: { anthropic: 'anthropic:a' },
      usageStats: {
        'anthropic:a': {
          lastUsed: 5,
          cooldownUntil: 9,
          cooldownReason: 'rate_limit',
          errorCount: 2,
          failureCounts: { rate_limit: 2 },
        },
      },
    })
    expect(bearsCredentials(parseLegacyDoc(doc, 'auth-state'))).toBe(false)
  })

  it('aws-sdk markers are routing metadata, not credentials', () => {
    const p = ok(
      parseLegacyDoc(
        { profiles: { 'amazon-bedrock:default': { type: 'aws-sdk', provider: 'amazon-bedrock' } } },
        'auth-profiles',
      ),
    )
    expect(p.credentials).toEqual([])
    expect(p.awsSdk).toEqual([{ id: 'amazon-bedrock:default', provider: 'amazon-bedrock' }])
  })
})

describe('parseLegacyDoc: rejections are listed by id and reason (A-03)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a:string', 'nope', 'non_object'],
    ['a:array', [], 'non_object'],
    ['a:type', { type: 'password', provider: 'a', key: 'k' }, 'invalid_type'],
    ['a:untyped', { provider: 'a', something: 1 }, 'invalid_type'],
    ['a:noprov', { type: 'api_key', key: 'k' }, 'missing_provider'],
    ['a:badprov', { type: 'api_key', provider: 'Not Valid!', key: 'k' }, 'invalid_provider'],
    ['no-colon', { type: 'api_key', provider: 'a', key: 'k' }, 'invalid_id'],
    ['a:badexp', { type: 'token', provider: 'a', token: 't', expires: 'soon' }, 'invalid_expires'],
    ['a:negexp', { type: 'oauth', provider: 'a', access: 'x', expires: -5 }, 'invalid_expires'],
    ['a:floatexp', { type: 'token', provider: 'a', token: 't', expires: 1.5 }, 'invalid_expires'],
    ['a:empty', { type: 'api_key', provider: 'a', key: '  ' }, 'missing_credential'],
    [
      'a:oauthref',
      { type: 'oauth', provider: 'a', access: 'x', tokenRef: { source: 'env', id: 'X' } },
      'invalid_ref',
    ],
    ['a:badref', { type: 'api_key', provider: 'a', keyRef: { source: 'vault', id: 'x' } }, 'invalid_ref'],
    ['a:space', { type: 'api_key', provider: 'a', key: 'two words' }, 'invalid_value'],
    ['a:numkey', { type: 'api_key', provider: 'a', key: 42 }, 'invalid_value'],
    ['a:euro', { type: 'api_key', provider: 'a', key: 'sk-\u20ac1' }, 'invalid_value'],
    ['a:latin', { type: 'token', provider: 'a', token: 'sk-\u00e91' }, 'invalid_value'],
  ]
  for (const [id, entry, reason] of cases) {
    it(`${id} -> ${reason}`, () => {
      const p = ok(
        parseLegacyDoc(
          { profiles: { [id]: entry, 'ok:one': { type: 'api_key', provider: 'ok', key: 'k1' } } },
          'auth-profiles',
        ),
      )
      expect(p.rejected.map((r) => ({ id: r.id, reason: r.reason }))).toEqual([{ id, reason }])
      expect(p.credentials.map((c) => c.id)).toEqual(['ok:one'])
    })
  }

  it('ids differing only in case: the first wins, the second is a duplicate', () => {
    const p = ok(
      parseLegacyDoc(
        {
          profiles: {
            'a:Work': { type: 'api_key', provider: 'a', key: 'k1' },
            'a:work': { type: 'api_key', provider: 'a', key: 'k2' },
          },
        },
        'auth-profiles',
      ),
    )
    expect(p.credentials.map((c) => c.id)).toEqual(['a:Work'])
    expect(p.rejected).toEqual([
      {
        id: 'a:work',
        reason: 'duplicate_id',
        detail:
          'differs only in letter case from "a:Work" earlier in the file; only the first is considered, this entry was not imported',
      },
    ])
  })

  it('flat keys differing only in case: the first is imported, the second named by its key', () => {
    const p = ok(parseLegacyDoc({ openai: { apiKey: 'sk-1' }, OpenAI: { apiKey: 'sk-2' } }, 'auth-json'))
    expect(p.credentials).toEqual([
      { id: 'openai:default', credential: { type: 'api_key', provider: 'openai', key: 'sk-1' } },
    ])
    expect(p.rejected).toEqual([
      {
        id: 'openai:default',
        reason: 'duplicate_id',
        detail:
          'key "OpenAI" maps to openai:default, as key "openai" earlier in the file does; only the first is considered, this entry was not imported',
      },
    ])
  })

  it('an invalid id never shadows a valid one that differs from it only in case', () => {
    const p = ok(
      parseLegacyDoc(
        {
          profiles: {
            'Google:ok': { type: 'api_key', provider: 'google', key: 'k1' },
            'google:ok': { type: 'api_key', provider: 'google', key: 'k2' },
          },
        },
        'auth-profiles',
      ),
    )
    expect(p.credentials.map((c) => c.id)).toEqual(['google:ok'])
    expect(p.rejected.map((r) => [r.id, r.reason])).toEqual([['Google:ok', 'invalid_id']])
  })

  it('NFC and NFD spellings of one name are both refused (ids are ASCII), never merged', () => {
    const nfc = 'anthropic:caf\u00e9'
    const nfd = 'anthropic:cafe\u0301'
    const p = ok(
      parseLegacyDoc(
        {
          profiles: {
            [nfc]: { type: 'api_key', provider: 'anthropic', key: 'k1' },
            [nfd]: { type: 'api_key', provider: 'anthropic', key: 'k2' },
          },
        },
        'auth-profiles',
      ),
    )
    expect(p.credentials).toEqual([])
    const detail =
      'the id contains non-ASCII characters (ids are ASCII only); rename it in the file and rerun openclaw doctor --fix'
    expect(p.rejected).toEqual([
      { id: nfc, reason: 'invalid_id', detail },
      { id: nfd, reason: 'invalid_id', detail },
    ])
  })

  it('a malformed state part is reported and skipped, never blocking credentials', () => {
    const p = ok(
      parseLegacyDoc(
        {
          profiles: { 'a:b': { type: 'api_key', provider: 'a', key: 'k' } },
          order: { a: 'a:b' },
          usageStats: [],
        },
        'auth-profiles',
      ),
    )
    expect(p.credentials).toHaveLength(1)
    expect(p.rejected).toEqual([
      { id: 'order.a', reason: 'invalid_type' },
      { id: 'usageStats', reason: 'non_object' },
    ])
  })
})

describe('parseLegacyText: whole-file failures leave the file alone', () => {
  it('invalid JSON, a non-object top level, and a non-object profiles map', () => {
    expect(parseLegacyText('{ "profiles": ', 'auth-profiles')).toMatchObject({
      ok: false,
      failure: 'invalid_json',
    })
    expect(parseLegacyText('[1,2]', 'auth-profiles')).toMatchObject({ ok: false, failure: 'not_object' })
    expect(parseLegacyText('{"profiles": []}', 'auth-profiles')).toMatchObject({
      ok: false,
      failure: 'unknown_shape',
    })
  })

  it('a UTF-8 BOM and CRLF line ends are fine', () => {
    const text = '\ufeff{\r\n  "openrouter": { "apiKey": "sk-or-1" }\r\n}\r\n'
    const r = parseLegacyText(text, 'auth-json')
    expect(r.ok && r.parsed.credentials[0]?.id).toBe('openrouter:default')
  })

  it('an unparseable file counts as credential-bearing (fail closed)', () => {
    expect(bearsCredentials(parseLegacyText('garbage', 'auth-json'))).toBe(true)
    expect(bearsCredentials(parseLegacyText('{"version":1,"profiles":{}}', 'auth-profiles'))).toBe(false)
  })
})
