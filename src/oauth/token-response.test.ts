import { describe, expect, it } from 'vitest'
import { parseTokenResponse } from './token-response.ts'

const NOW = 1_700_000_000_000

describe('parseTokenResponse token fields', () => {
  it('keeps printable-ASCII tokens', () => {
    const r = parseTokenResponse(JSON.stringify({ access_token: 'at-1~+/=', refresh_token: 'rt-1' }), NOW)
    expect(r.ok && r.tokens.access).toBe('at-1~+/=')
    expect(r.ok && r.tokens.refresh).toBe('rt-1')
  })

  it.each([
    ['a control character', 'at-\u0007x'],
    ['a character outside Latin-1', 'at-\u20acx'],
    ['a Latin-1 letter', 'at-\u00e9x'],
  ])('refuses an access token with %s (RFC 6749 tokens are VSCHAR), without quoting it', (_, access) => {
    const r = parseTokenResponse(JSON.stringify({ access_token: access }), NOW)
    expect(r).toEqual({ ok: false, detail: 'token endpoint answer has no usable access_token' })
  })

  it('refuses a refresh token outside printable ASCII rather than storing one that cannot be sent', () => {
    const r = parseTokenResponse(JSON.stringify({ access_token: 'at', refresh_token: 'rt-\u20ac' }), NOW)
    expect(r).toEqual({ ok: false, detail: 'token endpoint answer has an unusable refresh_token' })
  })
})
