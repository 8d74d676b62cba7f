import { describe, expect, it } from 'vitest'
import { REDACTED, redact, redactPatterns, redactSecrets } from './redact.ts'

const SECRET = 'sk-ant-api03-CANARY-abc/def+ghi=jkl&mno'

describe('redactSecrets', () => {
  it('removes every occurrence of every secret', () => {
    const out = redactSecrets(`a ${SECRET} b ${SECRET} c tok-12345`, [SECRET, 'tok-12345'])
    expect(out).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`)
  })

  it('removes the base64, base64url and unpadded forms', () => {
    const b64 = Buffer.from(SECRET).toString('base64')
    const b64url = Buffer.from(SECRET).toString('base64url')
    const out = redactSecrets(`x=${b64} y=${b64url} z=${b64.replace(/=+$/, '')}`, [SECRET])
    expect(out).not.toContain(b64.replace(/=+$/, ''))
    expect(out).not.toContain(b64url)
    expect(out).toContain(`x=${REDACTED}`)
  })

  it('removes the encodeURIComponent form', () => {
    const enc = encodeURIComponent(SECRET)
    expect(enc).not.toBe(SECRET)
    expect(redactSecrets(`https://h/?k=${enc}&x=1`, [SECRET])).toBe(`https://h/?k=${REDACTED}&x=1`)
  })

  it('removes the JSON-escaped form', () => {
    const s = 'pa"ss\\word-123'
    expect(redactSecrets(JSON.stringify({ p: s }), [s])).toBe(`{"p":"${REDACTED}"}`)
  })

  it('ignores secrets shorter than 4 characters', () => {
    expect(redactSecrets('a abc b', ['abc', '', 'a'])).toBe('a abc b')
    expect(redactSecrets('a abcd b', ['abcd'])).toBe(`a ${REDACTED} b`)
  })

  it('replaces a longer secret whole when it contains a shorter one', () => {
    expect(redactSecrets('x secret-long y', ['secret', 'secret-long'])).toBe(`x ${REDACTED} y`)
  })

  it('treats secrets literally, not as patterns', () => {
    expect(redactSecrets('a.*b and axxb', ['a.*b'])).toBe(`${REDACTED} and axxb`)
  })

  it('accepts any iterable', () => {
    expect(redactSecrets('one two', new Set(['one1', 'two']))).toBe('one two')
    expect(redactSecrets('one two2', new Set(['two2']))).toBe(`one ${REDACTED}`)
  })
})

describe('redactPatterns', () => {
  it.each([
    ['Bearer token', 'Authorization: Bearer eyAbc.def-ghi_jkl~mno', `Authorization: Bearer ${REDACTED}`],
    ['bearer lower-case', 'authorization: bearer abcdef123456', `authorization: bearer ${REDACTED}`],
    ['Basic auth', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', `Authorization: Basic ${REDACTED}`],
    ['x-api-key header', 'x-api-key: secretvalue123', `x-api-key: ${REDACTED}`],
    ['x-goog-api-key header', 'X-Goog-Api-Key=AIzaShort', `X-Goog-Api-Key=${REDACTED}`],
    ['JSON header map', '{"x-api-key":"v4lue-123"}', `{"x-api-key":"${REDACTED}"}`],
    ['apiKey JSON field', '{"apiKey": "whatever-1234"}', `{"apiKey": "${REDACTED}"}`],
    ['key JSON field', '{"type":"api_key","key":"abc\\"def"}', `{"type":"api_key","key":"${REDACTED}"}`],
    [
      'refresh JSON field',
      '{"refresh":"r-123","access":"a-456"}',
      `{"refresh":"${REDACTED}","access":"${REDACTED}"}`,
    ],
    [
      'query ?key=',
      'GET https://x.googleapis.com/v1/m?key=AIzaSyABC&alt=sse',
      `GET https://x.googleapis.com/v1/m?key=${REDACTED}&alt=sse`,
    ],
    ['query &access_token=', 'https://h/p?a=1&access_token=xyz', `https://h/p?a=1&access_token=${REDACTED}`],
    ['user:pass@host', 'https://user:hunter2@example.com/path', `https://user:${REDACTED}@example.com/path`],
    ['sk- key in prose', 'key sk-proj-ABCDEFGHIJKLMNOP1234 failed', `key ${REDACTED} failed`],
    ['AIza key in prose', 'bad AIzaSyA1234567890abcdefghij here', `bad ${REDACTED} here`],
    ['github token', 'ghp_abcdefghijklmnopqrstuvwxyz0123 x', `${REDACTED} x`],
    ['JWT', 'tok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_nature-x end', `tok ${REDACTED} end`],
    [
      'PEM private key',
      'k=-----BEGIN PRIVATE KEY-----\nMIIEv\nQIBAD\n-----END PRIVATE KEY----- ok',
      `k=${REDACTED} ok`,
    ],
    ['truncated PEM', 'k=-----BEGIN RSA PRIVATE KEY-----\nMIIEv', `k=${REDACTED}`],
  ])('%s', (_label, input, out) => {
    expect(redactPatterns(input)).toBe(out)
  })

  it.each([
    'sk-short',
    'the skeleton key is model-key',
    'GET /v1/models?limit=10',
    '{"type":"api_key","provider":"anthropic"}',
    'https://example.com/path',
  ])('leaves ordinary text alone: %j', (input) => {
    expect(redactPatterns(input)).toBe(input)
  })

  it('custom patterns extend the defaults (G-05)', () => {
    const out = redactPatterns('Bearer abcdef123 and corp-XYZ123', [/corp-[A-Z0-9]+/])
    expect(out).toBe(`Bearer ${REDACTED} and ${REDACTED}`)
  })

  it('is stable when applied twice', () => {
    const once = redactPatterns('Bearer abc123456 {"apiKey":"x1234"}')
    expect(redactPatterns(once)).toBe(once)
  })
})

describe('redact', () => {
  it('applies known secrets and patterns', () => {
    const out = redact(`upstream said: invalid key ${SECRET}; header Bearer zzz999888`, [SECRET])
    expect(out).not.toContain('CANARY')
    expect(out).not.toContain('zzz999888')
  })

  it('works with no secrets given', () => {
    expect(redact('x-api-key: abcd1234')).toBe(`x-api-key: ${REDACTED}`)
  })
})
